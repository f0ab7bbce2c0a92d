import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fetchJson } from "../support/sse-client.ts";
import { startServer } from "../support/server-process.ts";
import type { ServerProcess } from "../support/server-process.ts";
import { isolatedDatabaseUrl } from "../support/test-runtime.ts";

/**
 * The per-user quota never leaks through a crash: runs of a killed process keep their slots while
 * they are reclaimed and resumed (no double start), and give them back when they finish.
 */

const SLOW_AGENT = `---
name: slow
description: waits in its model call as long as its script says
provider: mock
model: mock-tools
---
Follow the script.
`;

const controllers: AbortController[] = [];

async function start(url: string, body: Record<string, unknown>): Promise<{ status: number; retryAfter: string | null; code?: string }> {
  const controller = new AbortController();
  controllers.push(controller);
  const response = await fetch(`${url}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ agent: "default", prompt: "go", ...body }),
    signal: controller.signal,
  });
  if (response.status === 200) return { status: 200, retryAfter: null };
  const json = (await response.json()) as { code: string };
  return { status: response.status, retryAfter: response.headers.get("retry-after"), code: json.code };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const statusOf = async (url: string, agentId: string): Promise<string> => (await fetchJson(`${url}/v1/agents/${agentId}`)).status as string;

describe.each(["pglite", "postgres"] as const)("per-user quota across a crash (%s store)", (kind) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const controller of controllers.splice(0)) controller.abort();
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("runs of a killed process hold their slots while reclaimed and resumed, then free them: the count is back to 0", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lc-quota-crash-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, "agents"));
    const env: Record<string, string> = {
      LOOMCYCLE_MAX_CONCURRENT_RUNS_PER_USER: "2",
      LOOMCYCLE_HEARTBEAT_INTERVAL_MS: "200",
      LOOMCYCLE_HEARTBEAT_STALE_MS: "1500",
    };
    if (kind === "postgres") {
      const database = await isolatedDatabaseUrl();
      cleanup.push(database.dispose);
      env["LOOMCYCLE_DATABASE_URL"] = database.url;
    }
    const boot = async (): Promise<ServerProcess> => {
      const server = await startServer({ args: ["--data-dir", join(dir, "data"), "--agents-dir", join(dir, "agents")], env });
      cleanup.push(() => server.stop("SIGKILL"));
      return server;
    };
    await writeFile(join(dir, "agents", "slow.md"), SLOW_AGENT);
    const slow = (ms: number): Record<string, unknown> => ({ agent: "slow", user_id: "hank", metadata: { mock_script: [{ text: "waited", delay_ms: ms }] } });

    const first = await boot();
    for (const agentId of ["hank-1", "hank-2"]) expect((await start(first.url, { ...slow(2_500), agent_id: agentId })).status).toBe(200);
    await waitFor(async () => (await statusOf(first.url, "hank-2")) === "running");
    expect(await start(first.url, { user_id: "hank" })).toMatchObject({ status: 429, retryAfter: "5", code: "per_user_quota_exhausted" });
    await first.stop("SIGKILL");

    const second = await boot();
    // Reclaimed (or still waiting to be), the two runs still hold hank's slots: no third start slips in.
    expect(await start(second.url, { user_id: "hank" })).toMatchObject({ status: 429, code: "per_user_quota_exhausted" });
    await waitFor(async () => (await statusOf(second.url, "hank-1")) === "completed" && (await statusOf(second.url, "hank-2")) === "completed");

    const after = [await start(second.url, slow(30_000)), await start(second.url, slow(30_000)), await start(second.url, slow(30_000))];
    expect(after.map((result) => result.status)).toEqual([200, 200, 429]);
  });
});
