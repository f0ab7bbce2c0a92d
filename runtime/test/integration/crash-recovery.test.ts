import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fetchJson, openSse, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { startServer } from "../support/server-process.ts";
import type { ServerProcess } from "../support/server-process.ts";
import { isolatedDatabaseUrl } from "../support/test-runtime.ts";

const SLOW_AGENT = `---
name: slow
description: a long scripted run
provider: mock
model: mock-tools
tools: Context
---
Follow the script.
`;

const script = [...Array.from({ length: 20 }, () => ({ tool: "Context", input: { op: "self" } })), { text: "never reached" }];

describe.each(["pglite", "postgres"] as const)("a server killed mid-run (%s store)", (kind) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function boot(dir: string, env: Record<string, string>): Promise<ServerProcess> {
    const server = await startServer({ args: ["--data-dir", join(dir, "data"), "--agents-dir", join(dir, "agents")], env });
    cleanup.push(() => server.stop("SIGKILL"));
    return server;
  }

  it("replays every stored event after restart and shows the run as interrupted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lc-crash-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, "agents"));
    await writeFile(join(dir, "agents", "slow.md"), SLOW_AGENT);
    const env: Record<string, string> = { LOOMCYCLE_MOCK_LATENCY_MS: "150", LOOMCYCLE_HEARTBEAT_INTERVAL_MS: "200", LOOMCYCLE_HEARTBEAT_STALE_MS: "1500" };
    if (kind === "postgres") {
      const database = await isolatedDatabaseUrl();
      cleanup.push(database.dispose);
      env["LOOMCYCLE_DATABASE_URL"] = database.url;
    }

    const first = await boot(dir, env);
    const live = await postSse(`${first.url}/v1/runs`, { agent: "slow", prompt: "go", metadata: { mock_script: script } });
    const seen: SseFrame[] = [];
    for await (const frame of live.frames) {
      seen.push(frame);
      if (seen.filter((item) => item.event === "tool_result").length === 3) break;
    }
    const runId = seen[1]?.data["run_id"] as string;
    await first.stop("SIGKILL");

    const second = await boot(dir, env);
    if (kind === "postgres") await waitFor(async () => (await fetchJson(`${second.url}/v1/runs/${runId}`)).status === "interrupted");
    const replay: SseFrame[] = [];
    for await (const frame of (await openSse(`${second.url}/v1/runs/${runId}/stream?from_seq=0`)).frames) replay.push(frame);

    const seqs = replay.slice(1).map((frame) => Number(frame.id));
    expect(seqs).toEqual(seqs.map((_, index) => 3 + index));
    const seenEvents = seen.slice(2).map((frame) => frame.data);
    expect(replay.slice(1, 1 + seenEvents.length).map((frame) => frame.data)).toEqual(seenEvents);
    expect(replay.at(-1)).toMatchObject({ event: "error", data: { code: "interrupted" } });
    const status = await fetchJson(`${second.url}/v1/runs/${runId}`);
    expect(status).toMatchObject({ status: "interrupted", error: expect.stringContaining("interrupted") });

    const after = await fetchJson(`${second.url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ agent: "default", prompt: "still here?" }),
    });
    expect(after).toMatchObject({ status: "completed", final_text: "You said: still here?" });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("condition not met in time");
}
