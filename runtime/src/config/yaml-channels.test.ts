import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../domain/index.ts";
import { loadConfig } from "./load.ts";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lc-config-channels-"));
  mkdirSync(join(root, "home"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function loadYaml(text: string): ReturnType<typeof loadConfig> {
  const file = join(root, "loomcycle.yaml");
  writeFileSync(file, text);
  return loadConfig({ cwd: root, env: { HOME: join(root, "home") }, flags: { config: file } });
}

describe("channels: in loomcycle.yaml", () => {
  it("becomes channel specs with the ttl in milliseconds, ignoring loomcycle keys this build lacks", () => {
    const config = loadYaml(
      "channels:\n  team/updates:\n    description: status\n    scope: agent\n    default_ttl: 1h30m\n    max_messages: 100\n    semantic: topic\n  plain: {}\n",
    );
    expect(config.channels).toEqual([
      { name: "team/updates", description: "status", scope: "agent", default_ttl_ms: 5_400_000, max_messages: 100 },
      { name: "plain", description: "", scope: "global" },
    ]);
  });

  it("refuses a bad name or ttl, naming the field", () => {
    const failure = (text: string): string => {
      try {
        loadYaml(text);
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        return (error as AppError).message;
      }
      throw new Error("loadConfig did not throw");
    };
    expect(failure("channels:\n  ok:\n    default_ttl: soon\n")).toMatch(/channels\.ok\.default_ttl.*expected seconds or a duration/s);
    expect(failure("channels:\n  'bad name':\n    scope: global\n")).toMatch(/channels\.bad name: not a channel name/);
  });
});
