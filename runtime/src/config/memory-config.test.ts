import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAppError } from "../domain/index.ts";
import { loadConfig } from "./load.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lc-memory-config-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function loadYaml(yaml: string): ReturnType<typeof loadConfig> {
  writeFileSync(join(root, "loomcycle.yaml"), yaml);
  return loadConfig({ cwd: root, env: { HOME: root } });
}

describe("memory: in loomcycle.yaml", () => {
  it("reads memory.embedder with the key variable's NAME, and accepts loomcycle's other memory keys", () => {
    const config = loadYaml(
      "memory:\n  embedder:\n    base_url: http://127.0.0.1:9000/v1/\n    model: text-embedding-3-small\n    api_key_env: EMBED_KEY\n  consolidation:\n    verify_writes: false\n",
    );
    expect(config.memory).toEqual({
      embedder: { provider: "openai", baseUrl: "http://127.0.0.1:9000/v1", model: "text-embedding-3-small", apiKeyEnv: "EMBED_KEY", dimensions: null },
    });
  });

  it("has no embedder when the section is absent", () => {
    expect(loadYaml("agents: {}\n").memory).toEqual({ embedder: null });
  });

  it("refuses a bad embedder, naming the field", () => {
    let error: unknown;
    try {
      loadYaml("memory:\n  embedder:\n    base_url: not a url\n");
    } catch (caught) {
      error = caught;
    }
    expect(isAppError(error, "CONFIG_INVALID")).toBe(true);
    expect((error as Error).message).toContain("memory.embedder.base_url");
    expect((error as Error).message).toContain("memory.embedder.model");
  });
});
