import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allFrames, fetchJson, openSse, postSse } from "../support/sse-client.ts";
import { slowScript, startCluster } from "./cluster-support.ts";
import type { Cluster } from "./cluster-support.ts";

/** SIGTERM of a worker: its runs are handed back at their next boundary and go on elsewhere. */

const GRACE_MS = 8_000;

/** How many runs a process finished (its loomcycle_runs_finished_total, any status). */
async function finishedRuns(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^loomcycle_runs_finished_total\{[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

describe("graceful shutdown of a worker (1 api and 2 worker processes)", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ apis: 1, workers: 2, env: { LOOMCYCLE_SHUTDOWN_GRACE_MS: String(GRACE_MS) } });
  });
  afterAll(async () => {
    await cluster?.dispose();
  });

  it("SIGTERM of the worker running a long run: the run completes on the other worker, one started, no error, and the worker exits within its grace", async () => {
    const [api] = cluster.apis;
    const live = await postSse(`${api?.url}/v1/runs`, { agent: "slow", prompt: "go", metadata: { mock_script: slowScript(12, 200) } });
    let runId = "";
    for (let next = await live.frames.next(); next.done !== true; next = await live.frames.next()) {
      if (next.value.event === "agent") runId = next.value.data["run_id"] as string;
      if (next.value.event === "tool_result") break;
    }
    const pid = await cluster.ownerPid(runId);
    const worker = cluster.workers.find((candidate) => candidate.child.pid === pid);
    expect(worker).toBeDefined();

    const stopping = Date.now();
    await worker?.stop("SIGTERM");
    // Generous for a loaded machine: the run parks at its next boundary (a 200 ms model call) long before the grace runs out.
    expect(Date.now() - stopping).toBeLessThan(GRACE_MS);
    expect(worker?.child.exitCode).toBe(0);

    const rest = await allFrames(live);
    expect(rest.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "end_turn" } });
    const other = cluster.workers.find((candidate) => candidate !== worker);
    expect(await finishedRuns(`${other?.url}`)).toBe(1);
    expect(await fetchJson(`${api?.url}/v1/runs/${runId}`)).toMatchObject({ status: "completed" });
    expect(await cluster.resumeCount(runId)).toBe(0);
    const whole = (await allFrames(await openSse(`${api?.url}/v1/runs/${runId}/stream?from_seq=0`))).filter((frame) => frame.id !== undefined);
    const seqs = whole.map((frame) => Number(frame.id));
    expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] ?? 0) + index));
    expect(whole.filter((frame) => frame.event === "started")).toHaveLength(1);
    expect(whole.filter((frame) => frame.event === "error")).toHaveLength(0);
    expect(whole.filter((frame) => frame.event === "tool_result")).toHaveLength(12);
  });
});
