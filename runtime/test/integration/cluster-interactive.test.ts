import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allFrames, fetchJson, openSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { startCluster } from "./cluster-support.ts";
import type { Cluster } from "./cluster-support.ts";

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

function texts(frames: readonly SseFrame[]): string {
  return frames.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("");
}

const self = { tool: "Context", input: { op: "self" } };

describe("interactive runs across a cluster of 2 api and 2 worker processes", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ apis: 2, workers: 2 });
  }, 60_000);
  afterAll(async () => {
    await cluster?.dispose();
  });
  const apiA = (): string => cluster.apis[0]?.url ?? "";
  const apiB = (): string => cluster.apis[1]?.url ?? "";

  it("starts on api A, is steered and turn-cancelled through api B while a worker executes it, and parks between turns", async () => {
    const script = [{ text: "first answer" }, self, { text: "second answer" }, self, { text: "never finished", delay_ms: 60_000 }];
    const client = new AbortController();
    const body = JSON.stringify({ agent: "slow", prompt: "hi", interactive: true, agent_id: "cluster-steer", metadata: { mock_script: script } });
    const started = await openSse(`${apiA()}/v1/runs`, { method: "POST", headers: { "content-type": "application/json" }, body, signal: client.signal });
    const first = await framesUntil(started.frames, "awaiting_input");
    client.abort();
    const runId = first.find((frame) => frame.event === "agent")?.data["run_id"] as string;
    expect(texts(first)).toBe("first answer");
    expect(await fetchJson(`${apiB()}/v1/agents/cluster-steer`)).toMatchObject({ status: "awaiting_input", interactive: true });
    expect(await cluster.ownerPid(runId)).toBeNull();

    // Follow it on api B from the start: the stream stays open across the parks.
    const follower = await openSse(`${apiB()}/v1/runs/${runId}/stream?from_seq=0`);
    expect(await framesUntil(follower.frames, "awaiting_input")).toHaveLength(first.length - 1);

    const steered = await post(`${apiB()}/v1/runs/${runId}/input`, { text: "go on", source: "webui" });
    expect(await steered.json()).toEqual({ run_id: runId, delivered: true });
    const second = await framesUntil(follower.frames, "awaiting_input");
    expect(texts(second)).toBe("second answer");
    expect(second.map((frame) => frame.event)).toContain("tool_result");

    // The third turn: a tool call, then a model call that would take a minute, on a worker.
    await post(`${apiB()}/v1/runs/${runId}/input`, { text: "and now?" });
    await framesUntil(follower.frames, "tool_result");
    const owner = await cluster.ownerPid(runId);
    expect(cluster.workers.map((worker) => worker.child.pid)).toContain(owner);

    const askedAt = performance.now();
    const answer = await post(`${apiB()}/v1/runs/${runId}/cancel`, { reason: "too slow" });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ run_id: runId, stopped: true, parked: true });
    const third = await framesUntil(follower.frames, "awaiting_input");
    // Within 1 s of the request; slack for a loaded machine.
    expect(performance.now() - askedAt).toBeLessThan(3_000);
    expect(third.map((frame) => frame.event)).toEqual(["turn_cancelled", "awaiting_input"]);
    expect(third[0]?.data).toMatchObject({ turn_cancelled: { reason: "too slow" } });
    expect(await fetchJson(`${apiA()}/v1/agents/cluster-steer`)).toMatchObject({ status: "awaiting_input" });

    const again = await post(`${apiA()}/v1/runs/${runId}/cancel`, {});
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "not_mid_turn" });

    // The whole-run cancel ends it; the follower's stream ends with done.
    expect(await (await post(`${apiA()}/v1/agents/cluster-steer/cancel`, {})).json()).toMatchObject({ cancelled: true });
    const rest = await allFrames(follower);
    expect(rest.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "cancelled" } });
    expect(await fetchJson(`${apiB()}/v1/agents/cluster-steer`)).toMatchObject({ status: "cancelled" });
  });
});
