import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allFrames, fetchJson, openSse, postSse } from "../support/sse-client.ts";
import type { SseFrame, SseResponse } from "../support/sse-client.ts";
import { slowScript, startCluster, waitFor } from "./cluster-support.ts";
import type { Cluster } from "./cluster-support.ts";

/** Cluster-wide pause over the control backplane: 2 api and 2 worker processes. */

async function postJson(url: string, body: unknown = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** Starts a run over SSE and reads up to its first tool result; the stream stays open. */
async function startRun(url: string): Promise<{ runId: string; live: SseResponse }> {
  const live = await postSse(`${url}/v1/runs`, { agent: "slow", prompt: "go", metadata: { mock_script: slowScript(10, 150) } });
  let runId = "";
  for (let next = await live.frames.next(); next.done !== true; next = await live.frames.next()) {
    if (next.value.event === "agent") runId = next.value.data["run_id"] as string;
    if (next.value.event === "tool_result") break;
  }
  return { runId, live };
}

describe("pause and resume across a cluster of 2 api and 2 worker processes", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    // Two runs per worker at most, so four runs spread over both workers.
    cluster = await startCluster({ apis: 2, workers: 2, env: { LOOMCYCLE_MAX_CONCURRENT_RUNS: "2" } });
  });
  afterAll(async () => {
    await cluster?.dispose();
  });

  it("a pause sent to api A parks the runs of both workers, api B refuses new runs, a resume sent to B completes them all", async () => {
    const [apiA, apiB] = cluster.apis;
    const runs = await Promise.all(Array.from({ length: 4 }, () => startRun(`${apiA?.url}`)));
    const owners = new Set(await Promise.all(runs.map((run) => cluster.ownerPid(run.runId))));
    expect(owners.size).toBe(2);

    const paused = await postJson(`${apiA?.url}/v1/_pause`, { timeout_ms: 20_000 });
    expect(paused).toMatchObject({ status: 200, body: { state: "paused", force_cancelled_count: 0, paused_runs_count: 4 } });
    for (const run of runs) expect(await fetchJson(`${apiB?.url}/v1/runs/${run.runId}`)).toMatchObject({ status: "paused" });

    // B learned of the pause over the backplane (or from the row within its 1 s cache).
    await waitFor(async () => (await postJson(`${apiB?.url}/v1/runs`, { agent: "default", prompt: "hi" })).status === 503, 5_000);
    expect(await postJson(`${apiB?.url}/v1/runs`, { agent: "default", prompt: "hi" })).toMatchObject({ status: 503, body: { code: "runtime_paused" } });
    expect(await fetchJson(`${apiB?.url}/v1/_state`)).toMatchObject({ state: "paused", paused_runs_count: 4 });

    expect(await postJson(`${apiB?.url}/v1/_resume`)).toMatchObject({ status: 200, body: { state: "running", resumed_runs_count: 4 } });
    for (const run of runs) {
      const rest = await allFrames(run.live);
      expect(rest.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "end_turn" } });
      const whole: SseFrame[] = (await allFrames(await openSse(`${apiA?.url}/v1/runs/${run.runId}/stream?from_seq=0`))).filter((frame) => frame.id !== undefined);
      const seqs = whole.map((frame) => Number(frame.id));
      expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] ?? 0) + index));
      expect(whole.filter((frame) => frame.event === "started")).toHaveLength(1);
      expect(whole.filter((frame) => frame.event === "done")).toHaveLength(1);
      expect(whole.filter((frame) => frame.event === "tool_result")).toHaveLength(10);
    }
    expect(await postJson(`${apiA?.url}/v1/runs`, { agent: "default", prompt: "back" })).toMatchObject({ status: 200, body: { status: "completed" } });
  });
});
