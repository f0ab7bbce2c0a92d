import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allFrames, fetchJson, openSse, postSse } from "../support/sse-client.ts";
import type { SseFrame, SseResponse } from "../support/sse-client.ts";
import { startTestRuntime } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

/** Reads frames up to and including the first `name` frame, leaving the stream open for more. */
async function framesUntil(frames: AsyncGenerator<SseFrame>, name: string): Promise<SseFrame[]> {
  const seen: SseFrame[] = [];
  for (let next = await frames.next(); next.done !== true; next = await frames.next()) {
    seen.push(next.value);
    if (next.value.event === name) break;
  }
  return seen;
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** The seq of the last event frame seen. */
function lastSeq(frames: readonly SseFrame[]): number {
  return Math.max(...frames.filter((frame) => frame.id !== undefined).map((frame) => Number(frame.id)));
}

const self = { tool: "Context", input: { op: "self" } };

describe.each<StoreKind>(["pglite", "postgres"])("interactive runs over HTTP (%s store)", (kind) => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    runtime = await startTestRuntime(kind, { limits: { maxRequestBytes: 1024 * 1024, sseKeepaliveMs: 50, toolParallelism: 8, maxConcurrentRuns: 16 } });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  /** Starts an interactive run and reads its stream up to its first awaiting_input; the client then leaves. */
  async function startInteractive(agentId: string, script: unknown[]): Promise<{ runId: string; seen: SseFrame[] }> {
    const client = new AbortController();
    const body = JSON.stringify({ agent: "scripted", prompt: "hi", interactive: true, agent_id: agentId, metadata: { mock_script: script } });
    const live = await openSse(`${runtime.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json" }, body, signal: client.signal });
    expect(live.status).toBe(200);
    const seen = await framesUntil(live.frames, "awaiting_input");
    client.abort();
    return { runId: seen.find((frame) => frame.event === "agent")?.data["run_id"] as string, seen };
  }

  it("parks at awaiting_input, survives the client leaving, answers steered input on a re-attached stream, and parks again", async () => {
    const agentId = `steer-${kind}`;
    const { runId, seen } = await startInteractive(agentId, [{ text: "hello there" }, self, { text: "second answer" }]);
    expect(seen.map((frame) => frame.event)).toEqual(["session", "agent", "started", "text", "text", "usage", "awaiting_input"]);
    expect(seen.at(-1)?.data).toMatchObject({ awaiting_input: { since_turn: 1 } });
    const parked = await fetchJson(`${runtime.url}/v1/agents/${agentId}`);
    expect(parked).toMatchObject({ status: "awaiting_input", interactive: true, live: false, completed_at: null });

    // The client is gone; it comes back on the stream from the last seq it saw, then steers.
    const cut = lastSeq(seen);
    const attached = await openSse(`${runtime.url}/v1/runs/${runId}/stream?from_seq=${cut}`);
    const steered = await post(`${runtime.url}/v1/runs/${runId}/input`, { text: "go on" });
    expect(steered.status).toBe(200);
    expect(await steered.json()).toEqual({ run_id: runId, delivered: true });
    const rest = await framesUntil(attached.frames, "awaiting_input");
    expect(rest[0]).toMatchObject({ event: "agent", data: { run_id: runId } });
    expect(rest.map((frame) => frame.event)).toContain("tool_result");
    expect(rest.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toBe("second answer");
    expect(rest.at(-1)).toMatchObject({ event: "awaiting_input", data: { awaiting_input: { since_turn: 3 } } });

    // What the client saw before and after is the stored run with no gap or duplicate: a full replay shows the same.
    const replay = await openSse(`${runtime.url}/v1/runs/${runId}/stream?from_seq=0`);
    const replayed = await framesUntil(replay.frames, "awaiting_input");
    const again = await framesUntil(replay.frames, "awaiting_input");
    const stitched = [...seen, ...rest].filter((frame) => frame.id !== undefined);
    expect([...replayed, ...again].filter((frame) => frame.id !== undefined)).toEqual(stitched);

    // Usage accumulates over the turns; the run waits again, still not finished.
    const after = await fetchJson(`${runtime.url}/v1/agents/${agentId}`);
    expect(after).toMatchObject({ status: "awaiting_input", interactive: true, completed_at: null });
    expect(after.usage.output_tokens).toBeGreaterThan(parked.usage.output_tokens);
    expect(after.usage.input_tokens).toBeGreaterThan(parked.usage.input_tokens);

    // A whole-run cancel ends it; the open streams end with done/cancelled.
    const cancelled = await post(`${runtime.url}/v1/agents/${agentId}/cancel`, {});
    expect(await cancelled.json()).toMatchObject({ cancelled: true });
    const tail = await allFrames(attached);
    expect(tail.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "cancelled" } });
    expect((await allFrames(replay)).at(-1)).toMatchObject({ event: "done" });
    expect(await fetchJson(`${runtime.url}/v1/agents/${agentId}`)).toMatchObject({ status: "cancelled", interactive: true });
    // A finished run takes no input.
    const late = await post(`${runtime.url}/v1/runs/${runId}/input`, { text: "hello?" });
    expect(late.status).toBe(404);
  });

  it("cancels the turn in flight: turn_cancelled, then awaiting_input; a second turn-cancel is 409 not_mid_turn", async () => {
    const agentId = `turncancel-${kind}`;
    const client = new AbortController();
    const body = JSON.stringify({ agent: "scripted", prompt: "hi", interactive: true, agent_id: agentId, metadata: { mock_script: [self, { text: "too slow", delay_ms: 60_000 }] } });
    const live: SseResponse = await openSse(`${runtime.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json" }, body, signal: client.signal });
    const seen = await framesUntil(live.frames, "tool_result");
    const runId = seen.find((frame) => frame.event === "agent")?.data["run_id"] as string;

    const answer = await post(`${runtime.url}/v1/runs/${runId}/cancel`, { reason: "enough" });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ run_id: runId, stopped: true, parked: true });
    const rest = await framesUntil(live.frames, "awaiting_input");
    expect(rest.map((frame) => frame.event)).toEqual(["turn_cancelled", "awaiting_input"]);
    expect(rest[0]?.data).toMatchObject({ turn_cancelled: { reason: "enough" } });
    client.abort();
    expect(await fetchJson(`${runtime.url}/v1/agents/${agentId}`)).toMatchObject({ status: "awaiting_input" });

    const again = await post(`${runtime.url}/v1/runs/${runId}/cancel`, {});
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "not_mid_turn" });
    await post(`${runtime.url}/v1/agents/${agentId}/cancel`, {});
  });

  it("refuses a turn-cancel of a run that is not interactive (409 not_interactive), and empty input (400 naming text)", async () => {
    const live = await postSse(`${runtime.url}/v1/runs`, { agent: "scripted", prompt: "hi", metadata: { mock_script: [self, { text: "slow", delay_ms: 60_000 }] } });
    const seen = await framesUntil(live.frames, "tool_result");
    const runId = seen.find((frame) => frame.event === "agent")?.data["run_id"] as string;
    const refused = await post(`${runtime.url}/v1/runs/${runId}/cancel`, {});
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: "not_interactive" });

    for (const text of ["", "   "]) {
      const empty = await post(`${runtime.url}/v1/runs/${runId}/input`, { text });
      expect(empty.status).toBe(400);
      expect(await empty.json()).toMatchObject({ code: "invalid_argument", error: expect.stringMatching(/^text:/) });
    }
    const missing = await post(`${runtime.url}/v1/runs/${runId}/input`, {});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: expect.stringMatching(/^text:/) });
    const blocking = await fetch(`${runtime.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ agent: "default", prompt: "hi", interactive: true }) });
    expect(blocking.status).toBe(400);
    expect(await blocking.json()).toMatchObject({ error: expect.stringMatching(/^interactive:/) });
    expect((await post(`${runtime.url}/v1/runs/run_nope/input`, { text: "hi" })).status).toBe(404);
    expect((await post(`${runtime.url}/v1/runs/run_nope/cancel`, {})).status).toBe(404);

    // A run that is not interactive takes steered input too: the model's next call sees it.
    const agentRun = await fetchJson(`${runtime.url}/v1/runs/${runId}`);
    await post(`${runtime.url}/v1/agents/${agentRun.agent_id}/cancel`, {});
    await allFrames(live);
  });

  it("loses no input stored while the run ends its turn: the park is refused, the run is handed back, takes the input and answers", async () => {
    const agentId = `race-${kind}`;
    const client = new AbortController();
    const body = JSON.stringify({ agent: "scripted", prompt: "hi", interactive: true, agent_id: agentId, metadata: { mock_script: [self, { text: "first", delay_ms: 300 }, { text: "second" }] } });
    const live = await openSse(`${runtime.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json" }, body, signal: client.signal });
    const seen = await framesUntil(live.frames, "tool_result");
    const runId = seen.find((frame) => frame.event === "agent")?.data["run_id"] as string;
    // Stored behind the run's back (no wake, no notice): the run only finds it when it tries to park.
    expect(await runtime.store.inputs.add(runId, "one more thing", "api")).not.toBeNull();
    // The refused park wrote no awaiting_input: the stream goes straight on to the answer to the input.
    const turns = await framesUntil(live.frames, "awaiting_input");
    client.abort();
    expect(turns.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toBe("firstsecond");
    expect(turns.filter((frame) => frame.event === "usage")).toHaveLength(2);
    expect(await runtime.store.inputs.pending(runId)).toEqual([]);
    expect(await fetchJson(`${runtime.url}/v1/agents/${agentId}`)).toMatchObject({ status: "awaiting_input" });
    const transcript = await fetchJson(`${runtime.url}/v1/sessions/${(await fetchJson(`${runtime.url}/v1/runs/${runId}`)).session_id}/transcript`);
    const steers = transcript.events.filter((event: { type: string; event: { source?: string } }) => event.type === "user_input" && event.event.source === "steer");
    expect(steers).toHaveLength(1);
    expect(steers[0].event).toMatchObject({ segments: [{ content: [{ text: "one more thing" }] }], input_source: "api" });
    await post(`${runtime.url}/v1/agents/${agentId}/cancel`, {});
  });

  it("a run that is not interactive takes input steered in while it runs, at its next iteration", async () => {
    const script = [
      { tool: "Context", input: { op: "self" }, delay_ms: 100 },
      { tool: "Context", input: { op: "self" }, delay_ms: 300 },
      { text: "done" },
    ];
    const live = await postSse(`${runtime.url}/v1/runs`, { agent: "scripted", prompt: "hi", metadata: { mock_script: script } });
    const seen = await framesUntil(live.frames, "tool_result");
    const runId = seen.find((frame) => frame.event === "agent")?.data["run_id"] as string;
    const steered = await post(`${runtime.url}/v1/runs/${runId}/input`, { text: "mind the gap", source: "webui" });
    expect(await steered.json()).toEqual({ run_id: runId, delivered: true });
    expect((await allFrames(live)).at(-1)).toMatchObject({ event: "done", data: { stop_reason: "end_turn" } });
    const sessionId = seen.find((frame) => frame.event === "session")?.data["text"] as string;
    const transcript = await fetchJson(`${runtime.url}/v1/sessions/${sessionId}/transcript`);
    expect(JSON.stringify(transcript)).toContain("mind the gap");
    expect(await runtime.store.inputs.pending(runId)).toEqual([]);
  });

  it("a continued session can be interactive too", async () => {
    const first = await postSse(`${runtime.url}/v1/runs`, { agent: "default", prompt: "one" });
    const frames = await allFrames(first);
    const sessionId = frames.find((frame) => frame.event === "session")?.data["text"] as string;
    const client = new AbortController();
    const body = JSON.stringify({ prompt: "two", interactive: true, agent_id: `cont-${kind}` });
    const next = await openSse(`${runtime.url}/v1/sessions/${sessionId}/messages`, { method: "POST", headers: { "content-type": "application/json" }, body, signal: client.signal });
    const seen = await framesUntil(next.frames, "awaiting_input");
    client.abort();
    expect(seen.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toBe("You said: two");
    expect(await fetchJson(`${runtime.url}/v1/agents/cont-${kind}`)).toMatchObject({ status: "awaiting_input", interactive: true });
    await post(`${runtime.url}/v1/agents/cont-${kind}/cancel`, {});
  });
});
