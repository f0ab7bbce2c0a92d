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
max_iterations: 30
---
Follow the script.
`;

const script = [...Array.from({ length: 20 }, () => ({ tool: "Context", input: { op: "self" } })), { text: "finished after the restart" }];

const CODER_AGENT = `---
name: coder
description: code-js agent calling Context many times
provider: code-js
tools: Context
code: |
  function run(input) {
    var seen = 0;
    for (var i = 0; i < 60; i++) {
      for (var spin = 0; spin < 100000; spin++) {}
      var self = Context({ op: "self" });
      if (self.agent === "coder") seen++;
    }
    return "coder saw itself " + seen + " times for: " + input.prompt;
  }
---
A code agent.
`;

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

  it("resumes a run after the server is killed mid-run: every stored event replays in order and the run completes", async () => {
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
    await waitFor(async () => (await fetchJson(`${second.url}/v1/runs/${runId}`)).status === "completed");
    const replay: SseFrame[] = [];
    for await (const frame of (await openSse(`${second.url}/v1/runs/${runId}/stream?from_seq=0`)).frames) replay.push(frame);

    const seqs = replay.slice(1).map((frame) => Number(frame.id));
    expect(seqs).toEqual(seqs.map((_, index) => 3 + index));
    const seenEvents = seen.slice(2).map((frame) => frame.data);
    expect(replay.slice(1, 1 + seenEvents.length).map((frame) => frame.data)).toEqual(seenEvents);
    expect(replay.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "end_turn" } });
    expect(replay.filter((frame) => frame.event === "started")).toHaveLength(1);
    expect(replay.filter((frame) => frame.event === "tool_result").length).toBeGreaterThanOrEqual(20);
    expect(replay.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toContain("finished after the restart");
    const status = await fetchJson(`${second.url}/v1/runs/${runId}`);
    expect(status).toMatchObject({ status: "completed", stop_reason: "end_turn" });

    const after = await fetchJson(`${second.url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ agent: "default", prompt: "still here?" }),
    });
    expect(after).toMatchObject({ status: "completed", final_text: "You said: still here?" });
  });

  it("finishes a code-js agent identically after a kill between its tool calls", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lc-crash-code-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, "agents"));
    await writeFile(join(dir, "agents", "coder.md"), CODER_AGENT);
    const env: Record<string, string> = { LOOMCYCLE_HEARTBEAT_INTERVAL_MS: "200", LOOMCYCLE_HEARTBEAT_STALE_MS: "1500" };
    if (kind === "postgres") {
      const database = await isolatedDatabaseUrl();
      cleanup.push(database.dispose);
      env["LOOMCYCLE_DATABASE_URL"] = database.url;
    }
    const first = await boot(dir, env);
    const live = await postSse(`${first.url}/v1/runs`, { agent: "coder", prompt: "go" });
    let results = 0;
    let runId = "";
    for await (const frame of live.frames) {
      if (frame.event === "agent") runId = frame.data["run_id"] as string;
      if (frame.event === "tool_result" && ++results === 10) break;
    }
    await first.stop("SIGKILL");
    const second = await boot(dir, env);
    // Each turn replays run() from the top and spins, so 50 calls were still to come at the kill.
    expect((await fetchJson(`${second.url}/v1/runs/${runId}`)).status).not.toBe("completed");
    await waitFor(async () => (await fetchJson(`${second.url}/v1/runs/${runId}`)).status === "completed", 30_000);
    const replay: SseFrame[] = [];
    for await (const frame of (await openSse(`${second.url}/v1/runs/${runId}/stream?from_seq=0`)).frames) replay.push(frame);
    const text = replay.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("");
    expect(text).toBe("coder saw itself 60 times for: go");
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
