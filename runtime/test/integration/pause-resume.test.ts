import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allFrames, fetchJson, openSse, postSse } from "../support/sse-client.ts";
import type { SseFrame, SseResponse } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime, testAgent } from "../support/test-runtime.ts";

/** POST /v1/_pause, /v1/_resume, GET /v1/_state: a cluster-wide pause at iteration boundaries (embedded runtime). */

const self = (delayMs: number): Record<string, unknown> => ({ tool: "Context", input: { op: "self" }, delay_ms: delayMs });
const LONG_SCRIPT = [...Array.from({ length: 12 }, () => self(150)), { text: "long run finished" }];
const CHILD_SCRIPT = [...Array.from({ length: 6 }, () => self(150)), { text: "child finished" }];

const AGENTS = [
  ...TEST_AGENTS,
  testAgent({ name: "long", provider: "mock", model: "mock-tools", tools: ["Context"], max_iterations: 30, mock_script: LONG_SCRIPT }),
  testAgent({ name: "fetcher", provider: "mock", model: "mock-tools", tools: ["WebFetch"] }),
  testAgent({ name: "fanout", provider: "mock", model: "mock-tools", tools: ["Agent"], max_concurrent_children: 4 }),
  testAgent({ name: "worker-child", provider: "mock", model: "mock-tools", tools: ["Context"], mock_script: CHILD_SCRIPT }),
];

type TestRuntime = Awaited<ReturnType<typeof startTestRuntime>>;

function post(url: string, body: unknown = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) });
}

async function postJson(url: string, body: unknown = {}): Promise<{ status: number; body: any }> {
  const response = await post(url, body);
  return { status: response.status, body: await response.json() };
}

/** Starts a run over SSE and reads until `until` matches a frame; returns the run id and the rest of the stream. */
async function startRun(url: string, body: Record<string, unknown>, until: (frame: SseFrame) => boolean): Promise<{ runId: string; live: SseResponse; seen: SseFrame[] }> {
  const live = await postSse(`${url}/v1/runs`, body);
  const seen: SseFrame[] = [];
  let runId = "";
  // next() rather than for-await: leaving a for-await loop would close the stream.
  for (let next = await live.frames.next(); next.done !== true; next = await live.frames.next()) {
    seen.push(next.value);
    if (next.value.event === "agent") runId = next.value.data["run_id"] as string;
    if (until(next.value)) break;
  }
  return { runId, live, seen };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The run's whole stored stream: seqs gapless, one started, one terminal event. */
async function expectWholeRun(url: string, runId: string): Promise<SseFrame[]> {
  const replay = await allFrames(await openSse(`${url}/v1/runs/${runId}/stream?from_seq=0`));
  const events = replay.filter((frame) => frame.id !== undefined);
  const seqs = events.map((frame) => Number(frame.id));
  expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] ?? 0) + index));
  expect(events.filter((frame) => frame.event === "started")).toHaveLength(1);
  expect(events.filter((frame) => frame.event === "done")).toHaveLength(1);
  expect(events.filter((frame) => frame.event === "error")).toHaveLength(0);
  expect(events.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "end_turn" } });
  return events;
}

describe.each(["pglite", "postgres"] as const)("pause and resume (%s store)", (kind) => {
  let runtime: TestRuntime;
  let slow: Server;
  let slowUrl = "";
  let slowRequests = 0;
  beforeAll(async () => {
    // The first request hangs (a tool stuck in a slow call); later ones answer at once.
    slow = createServer((_request, response) => {
      slowRequests++;
      if (slowRequests === 1) setTimeout(() => response.end("late"), 30_000).unref();
      else response.end("fetched fine");
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
    runtime = await startTestRuntime(kind, { agents: AGENTS, network: { hostAllowlist: ["127.0.0.1"], privateHostAllowlist: ["127.0.0.1"], searxngUrl: null } });
  });
  afterAll(async () => {
    await runtime?.dispose();
    slow?.closeAllConnections();
    await new Promise((resolve) => slow?.close(resolve));
  });

  it("parks a long run at a boundary, refuses new runs with 503 runtime_paused, and the resumed run completes gapless", async () => {
    const { runId, live } = await startRun(runtime.url, { agent: "long", prompt: "go" }, (frame) => frame.event === "tool_result");

    const paused = await postJson(`${runtime.url}/v1/_pause`, { timeout_ms: 20_000 });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ state: "paused", force_cancelled_count: 0, paused_runs_count: 1, warnings: [] });
    expect(await fetchJson(`${runtime.url}/v1/runs/${runId}`)).toMatchObject({ status: "paused" });

    const refused = await postJson(`${runtime.url}/v1/runs`, { agent: "default", prompt: "hello?" });
    expect(refused).toMatchObject({ status: 503, body: { code: "runtime_paused" } });
    const state = await fetchJson(`${runtime.url}/v1/_state`);
    expect(state).toMatchObject({ state: "paused", paused_runs_count: 1 });
    expect(Number.isNaN(Date.parse(state.paused_at))).toBe(false);
    expect(await postJson(`${runtime.url}/v1/_pause`)).toMatchObject({ status: 409, body: { code: "already_pausing" } });

    const resumed = await postJson(`${runtime.url}/v1/_resume`);
    expect(resumed).toMatchObject({ status: 200, body: { state: "running", resumed_runs_count: 1, warnings: [] } });
    // The stream the client opened before the pause goes on to the end.
    const rest = await allFrames(live);
    expect(rest.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "end_turn" } });
    expect(await fetchJson(`${runtime.url}/v1/runs/${runId}`)).toMatchObject({ status: "completed" });
    const events = await expectWholeRun(runtime.url, runId);
    expect(events.filter((frame) => frame.event === "tool_result")).toHaveLength(12);

    expect(await fetchJson(`${runtime.url}/v1/_state`)).toMatchObject({ state: "running", paused_runs_count: 0, paused_at: null });
    expect(await postJson(`${runtime.url}/v1/_resume`)).toMatchObject({ status: 409, body: { code: "not_paused" } });
    expect(await postJson(`${runtime.url}/v1/runs`, { agent: "default", prompt: "back" })).toMatchObject({ status: 200, body: { status: "completed" } });
  });

  it("parks a run stuck in a slow tool at once when the pause timeout runs out", async () => {
    const script = [{ tool: "WebFetch", input: { url: slowUrl } }, { text: "fetch done" }];
    const { runId } = await startRun(runtime.url, { agent: "fetcher", prompt: "go", metadata: { mock_script: script } }, (frame) => frame.event === "tool_call");
    await waitFor(() => Promise.resolve(slowRequests === 1), 10_000);

    const paused = await postJson(`${runtime.url}/v1/_pause`, { timeout_ms: 300 });
    expect(paused.body).toMatchObject({ state: "paused", force_cancelled_count: 1, paused_runs_count: 1 });
    expect(await fetchJson(`${runtime.url}/v1/runs/${runId}`)).toMatchObject({ status: "paused" });

    expect((await postJson(`${runtime.url}/v1/_resume`)).body).toMatchObject({ resumed_runs_count: 1 });
    await waitFor(async () => (await fetchJson(`${runtime.url}/v1/runs/${runId}`)).status === "completed", 20_000);
    await expectWholeRun(runtime.url, runId);
  });

  it("a paused fan-out parent and its children resume and complete", async () => {
    const spawns = Array.from({ length: 3 }, (_, index) => ({ name: "worker-child", prompt: `part ${index}` }));
    const script = [{ tool: "Agent", input: { op: "parallel_spawn", spawns } }, { text: "all parts done" }];
    const { runId, live } = await startRun(runtime.url, { agent: "fanout", prompt: "go", metadata: { mock_script: script } }, (frame) => frame.event === "tool_call");
    // Give the children time to start (each has several slow turns left).
    await new Promise((resolve) => setTimeout(resolve, 500));

    // The parent waits on its children, so it reaches no boundary: the timeout parks it at once.
    const paused = await postJson(`${runtime.url}/v1/_pause`, { timeout_ms: 1_500 });
    expect(paused.body).toMatchObject({ state: "paused", paused_runs_count: 4 });
    expect(await fetchJson(`${runtime.url}/v1/runs/${runId}`)).toMatchObject({ status: "paused" });

    expect((await postJson(`${runtime.url}/v1/_resume`)).body).toMatchObject({ state: "running", resumed_runs_count: 4 });
    const rest = await allFrames(live);
    expect(rest.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "end_turn" } });
    const events = await expectWholeRun(runtime.url, runId);
    const result = events.filter((frame) => frame.event === "tool_result").at(-1)?.data as { text: string; is_error: boolean };
    expect(result.is_error).toBe(false);
    const outcomes = JSON.parse(result.text) as { ok: boolean; output: string }[];
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true]);
    expect(outcomes.every((outcome) => outcome.output.includes("child finished"))).toBe(true);
  });
});
