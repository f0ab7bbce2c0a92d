import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeCliDeps } from "../../test/support/fake-cli-deps.ts";
import { runCli } from "./run-cli.ts";
import { RUNTIME_VERSION } from "./version.ts";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lc-cli-"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function deps(env: Record<string, string> = {}): ReturnType<typeof fakeCliDeps> {
  return fakeCliDeps({ env: { HOME: root, ...env }, cwd: root });
}

describe("runCli", () => {
  it("prints the top-level usage with every command and the server flags", async () => {
    for (const argv of [["--help"], ["-h"], ["help"]]) {
      const fake = deps();
      expect(await runCli(argv, fake)).toBe(0);
      for (const word of ["serve", "init", "doctor", "run", "version", "--config", "--port", "--host", "--data-dir", "--agents-dir"]) {
        expect(fake.out()).toContain(word);
      }
    }
  });

  it("prints each command's usage with all its flags", async () => {
    const fake = deps();
    expect(await runCli(["run", "--help"], fake)).toBe(0);
    for (const flag of ["--base-url", "--session", "--json", "--help"]) expect(fake.out()).toContain(flag);
    const init = deps();
    expect(await runCli(["help", "init"], init)).toBe(0);
    expect(init.out()).toContain("--force");
  });

  it("prints the runtime version", async () => {
    for (const argv of [["version"], ["--version"]]) {
      const fake = deps();
      expect(await runCli(argv, fake)).toBe(0);
      expect(fake.out()).toBe(`loomcycle ${RUNTIME_VERSION}\n`);
    }
  });

  it("refuses an unknown command with exit 2 and says how to get help", async () => {
    const fake = deps();
    expect(await runCli(["deploy"], fake)).toBe(2);
    expect(fake.err()).toContain('unknown command "deploy"');
    expect(fake.err()).toContain("loomcycle --help");
  });

  it("refuses an unknown flag with exit 2, naming the flag and the command's flags", async () => {
    const fake = deps();
    expect(await runCli(["doctor", "--verbose"], fake)).toBe(2);
    expect(fake.err()).toContain("unknown flag --verbose");
    expect(fake.err()).toContain("--config");
    expect(fake.err()).toContain("loomcycle doctor --help");
  });

  it("refuses a bad --port and missing run arguments with exit 2", async () => {
    const port = deps();
    expect(await runCli(["serve", "--port", "http"], port)).toBe(2);
    expect(port.err()).toContain('--port: expected a port number between 0 and 65535, got "http"');
    const run = deps();
    expect(await runCli(["run", "default"], run)).toBe(2);
    expect(run.err()).toContain('run: expected <agent> "<prompt>"');
  });

  it("serves: starts the runtime, prints where it listens, waits for shutdown and closes", async () => {
    const fake = deps();
    expect(await runCli(["--port", "9123", "--data-dir", "data"], fake)).toBe(0);
    expect(fake.started).toHaveLength(1);
    expect(fake.started[0]?.listen).toEqual({ host: "127.0.0.1", port: 9123 });
    expect(fake.started[0]?.dataDir).toBe(join(root, "data"));
    expect(fake.out()).toContain("loomcycle listening on http://127.0.0.1:1 · 1 agent (default) · store: embedded (PGlite in");
    expect(fake.closed()).toBe(1);
  });

  it("serve exits 2 with the config problems when the config is invalid", async () => {
    writeFileSync(join(root, "loomcycle.yaml"), "agents:\n  x:\n    max_tokens: many\n");
    const fake = deps();
    expect(await runCli(["serve"], fake)).toBe(2);
    expect(fake.err()).toContain(`${join(root, "loomcycle.yaml")}:3:17: agents.x.max_tokens`);
    expect(fake.started).toHaveLength(0);
  });

  it("serve exits 1 when the runtime cannot start", async () => {
    const fake = fakeCliDeps({ env: { HOME: root }, cwd: root, startRuntime: () => Promise.reject(new Error("data dir in use by process 42")) });
    expect(await runCli(["serve"], fake)).toBe(1);
    expect(fake.err()).toContain("data dir in use by process 42");
  });
});
