import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/index.ts";
import { fakeCliDeps } from "../../../test/support/fake-cli-deps.ts";
import { runCli } from "../run-cli.ts";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lc-init-"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function deps(): ReturnType<typeof fakeCliDeps> {
  return fakeCliDeps({ env: { HOME: root }, cwd: root });
}

describe("loomcycle init", () => {
  it("writes loomcycle.yaml and agents/default.md into the XDG config dir by default, and they load", async () => {
    const fake = deps();
    expect(await runCli(["init"], fake)).toBe(0);
    const dir = join(root, ".config", "loomcycle");
    expect(fake.out()).toContain(`wrote ${join(dir, "loomcycle.yaml")}`);
    expect(fake.out()).toContain(`wrote ${join(dir, "agents", "default.md")}`);
    expect(fake.out()).toContain("next: loomcycle serve");
    expect(readFileSync(join(dir, "loomcycle.yaml"), "utf8")).toContain("# agents:");

    const config = loadConfig({ env: { HOME: join(root) }, cwd: join(root, "elsewhere") });
    expect(config.configFile).toBe(join(dir, "loomcycle.yaml"));
    expect(config.warnings).toEqual([]);
    expect(config.agents).toEqual([expect.objectContaining({ name: "default", provider: "mock", model: "mock-echo", source: "file", system_prompt: "You are a helpful assistant." })]);
  });

  it("writes into --path and names that config in the next command", async () => {
    const fake = deps();
    expect(await runCli(["init", "--path", "project"], fake)).toBe(0);
    expect(existsSync(join(root, "project", "agents", "default.md"))).toBe(true);
    expect(fake.out()).toContain(`next: loomcycle serve --config ${join(root, "project", "loomcycle.yaml")}`);
  });

  it("never overwrites an existing file without --force", async () => {
    expect(await runCli(["init", "--path", "."], deps())).toBe(0);
    const file = join(root, "loomcycle.yaml");
    writeFileSync(file, "# mine\n");
    const again = deps();
    expect(await runCli(["init", "--path", "."], again)).toBe(1);
    expect(again.err()).toContain(file);
    expect(again.err()).toContain("--force");
    expect(readFileSync(file, "utf8")).toBe("# mine\n");

    const forced = deps();
    expect(await runCli(["init", "--path", ".", "--force"], forced)).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("loomcycle init");
  });
});
