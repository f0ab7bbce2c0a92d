import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allFrames, fetchJson, openSse, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { startTestRuntime } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

/** Every model call takes 200 ms here, so runs are still going when the test acts on them. */
const LATENCY_MS = 200;
const longScript = [...Array.from({ length: 10 }, () => ({ tool: "Context", input: { op: "self" } })), { text: "end" }];

/** Reads frames up to and including the first `name` frame, leaving the stream open for more. */
async function framesUntil(frames: AsyncGenerator<SseFrame>, name: string): Promise<SseFrame[]> {
  const seen: SseFrame[] = [];
  for (let next = await frames.next(); next.done !== true; next = await frames.next()) {
    seen.push(next.value);
    if (next.value.event === name) break;
  }
  return seen;
}

describe.each<StoreKind>(["pglite", "postgres"])("controlling live runs over HTTP (%s store)", (kind) => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    runtime = await startTestRuntime(kind, {
      mock: { latencyMs: LATENCY_MS, failRate: 0 },
      limits: { maxRequestBytes: 1024 * 1024, sseKeepaliveMs: 50, toolParallelism: 8, maxConcurrentRuns: 16 },
    });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("cancels a running run by agent_id: the stream ends with done/cancelled and the run says cancelled", async () => {
    const live = await postSse(`${runtime.url}/v1/runs`, { agent: "scripted", prompt: "go", agent_id: `cancel-${kind}`, metadata: { mock_script: longScript } });
    const before = await framesUntil(live.frames, "tool_result");
    const running = await fetchJson(`${runtime.url}/v1/agents/cancel-${kind}`);
    expect(running).toMatchObject({ status: "running", live: true });

    const answer = await fetchJson(`${runtime.url}/v1/agents/cancel-${kind}/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(answer).toMatchObject({ cancelled: true, cancelled_count: 1, agent_id: `cancel-${kind}` });
    const rest = await allFrames(live);
    expect(rest.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "cancelled" } });
    expect(before.length + rest.length).toBeLessThan(30);
    expect(await fetchJson(`${runtime.url}/v1/agents/cancel-${kind}`)).toMatchObject({ status: "cancelled", stop_reason: "cancelled", live: false });

    const again = await fetchJson(`${runtime.url}/v1/agents/cancel-${kind}/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(again).toMatchObject({ cancelled: false, cancelled_count: 0 });
  });

  it("re-attaches mid-run from a seq and gets every later event once, then follows live to the end", async () => {
    const live = await postSse(`${runtime.url}/v1/runs`, { agent: "scripted", prompt: "go", metadata: { mock_script: longScript.slice(-4) } });
    const first = await framesUntil(live.frames, "tool_result");
    const runId = first[1]?.data["run_id"] as string;
    const cut = Number(first.at(-1)?.id);
    const attached = await allFrames(await openSse(`${runtime.url}/v1/runs/${runId}/stream?from_seq=${cut}`));
    const original = [...first, ...(await allFrames(live))].filter((frame) => frame.id !== undefined && Number(frame.id) > cut);
    expect(attached[0]).toMatchObject({ event: "agent", data: { run_id: runId } });
    expect(attached.slice(1).map((frame) => Number(frame.id))).toEqual(original.map((frame) => Number(frame.id)));
    expect(attached.at(-1)?.event).toBe("done");
  });

  it("resumes from the Last-Event-ID header like from_seq", async () => {
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "default", prompt: "x" }));
    const runId = frames[1]?.data["run_id"] as string;
    const lastId = frames.at(-2)?.id as string;
    const resumed = await allFrames(await openSse(`${runtime.url}/v1/runs/${runId}/stream`, { headers: { "last-event-id": lastId } }));
    expect(resumed.map((frame) => frame.event)).toEqual(["agent", "done"]);
  });

  it("sends :keepalive comments while the run is quiet", async () => {
    const live = await postSse(`${runtime.url}/v1/runs`, { agent: "default", prompt: "wait" });
    await allFrames(live);
    expect(live.comments.filter((comment) => comment.trim() === "keepalive").length).toBeGreaterThan(0);
  });

  it("refuses an agent_id held by an unfinished run and a second run in a busy session, with 409", async () => {
    const live = await postSse(`${runtime.url}/v1/runs`, { agent: "scripted", prompt: "go", agent_id: `busy-${kind}`, metadata: { mock_script: longScript.slice(-3) } });
    const first = await framesUntil(live.frames, "started");
    const sessionId = first[0]?.data["text"] as string;
    const sameHandle = await fetch(`${runtime.url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ agent: "default", prompt: "x", agent_id: `busy-${kind}` }),
    });
    expect(sameHandle.status).toBe(409);
    expect((await sameHandle.json()) as object).toMatchObject({ code: "agent_id_in_use" });
    const busy = await fetch(`${runtime.url}/v1/sessions/${sessionId}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "me too" }),
    });
    expect(busy.status).toBe(409);
    expect((await busy.json()) as object).toMatchObject({ code: "session_busy" });
    await allFrames(live);
  });
});
