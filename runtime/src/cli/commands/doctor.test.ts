import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../domain/index.ts";
import { fakeCliDeps } from "../../../test/support/fake-cli-deps.ts";
import type { CliDeps } from "../types.ts";
import { runCli } from "../run-cli.ts";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lc-doctor-"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function deps(options: { env?: Record<string, string>; probeStore?: CliDeps["probeStore"] } = {}): ReturnType<typeof fakeCliDeps> {
  const env = { HOME: root, LOOMCYCLE_LISTEN_ADDR: "127.0.0.1:0", ...options.env };
  return fakeCliDeps({ env, cwd: root, ...(options.probeStore ? { probeStore: options.probeStore } : {}) });
}

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen({ host: "127.0.0.1", port: 0 }, () => {
      const address = server.address();
      resolve({ server, port: typeof address === "object" && address !== null ? address.port : 0 });
    });
  });
}

describe("loomcycle doctor", () => {
  it("warns, with the export to run, about a key an agent's provider needs", async () => {
    writeFileSync(join(root, "loomcycle.yaml"), "agents:\n  writer:\n    provider: openai\n    model: gpt-x\n");
    const fake = deps();
    expect(await runCli(["doctor"], fake)).toBe(0);
    expect(fake.out()).toContain("! provider keys: OPENAI_API_KEY is not set, and an agent's provider needs it");
    expect(fake.out()).toContain("export OPENAI_API_KEY=…");
  });

  it("exits 0 when every check passes, listing agents, store and keys", async () => {
    const fake = deps({ env: { ANTHROPIC_API_KEY: "sk-never-printed" } });
    expect(await runCli(["doctor"], fake)).toBe(0);
    const out = fake.out();
    expect(out).toContain("✓ config: no loomcycle.yaml found");
    expect(out).toContain("✓ agents: 1 agent (default)");
    expect(out).toContain("✓ store: fake store reachable");
    expect(out).toContain("✓ provider keys: set: ANTHROPIC_API_KEY");
    expect(out).toContain("not set (no agent needs them): OPENAI_API_KEY");
    expect(out).not.toContain("! provider keys");
    expect(out).toContain("✓ listen: 127.0.0.1:0 is free");
    expect(out).not.toContain("sk-never-printed");
  });

  it("exits 1 with the fix when the store is unreachable", async () => {
    const fake = deps({ probeStore: () => Promise.reject(new AppError("STORE_UNAVAILABLE", "permission denied")) });
    expect(await runCli(["doctor"], fake)).toBe(1);
    expect(fake.out()).toMatch(/✗ store: embedded \(PGlite in .*\): permission denied/);
    expect(fake.out()).toContain("fix: check that");
  });

  it("reports a data dir held by a running loomcycle as a warning, not a failure", async () => {
    const fake = deps({ probeStore: () => Promise.reject(new AppError("STORE_UNAVAILABLE", "data dir /x is in use by process 4242")) });
    expect(await runCli(["doctor"], fake)).toBe(0);
    expect(fake.out()).toContain("in use by a running loomcycle (pid 4242); ok");
  });

  it("exits 1 and shows every config problem when the config is invalid", async () => {
    writeFileSync(join(root, "loomcycle.yaml"), "agents:\n  x:\n    provider: mock\n    model: mock-echo\n    tools: 7\n");
    const fake = deps();
    expect(await runCli(["doctor"], fake)).toBe(1);
    expect(fake.out()).toContain("✗ config: invalid configuration");
    expect(fake.out()).toContain(":5:12: agents.x.tools");
  });

  it("prints config warnings as !", async () => {
    writeFileSync(join(root, "loomcycle.yaml"), "mcp_servers: {}\n");
    const fake = deps();
    expect(await runCli(["doctor"], fake)).toBe(0);
    expect(fake.out()).toContain("! config: ");
    expect(fake.out()).toContain("key `mcp_servers` is not supported yet");
  });

  it("warns when the listen address is taken (probably a running loomcycle)", async () => {
    const { server, port } = await listen();
    try {
      const fake = deps({ env: { LOOMCYCLE_LISTEN_ADDR: `127.0.0.1:${port}` } });
      expect(await runCli(["doctor"], fake)).toBe(0);
      expect(fake.out()).toContain(`! listen: 127.0.0.1:${port} in use: is loomcycle already running? \`loomcycle run\` will use it`);
    } finally {
      server.close();
    }
  });
});
