import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchJson, openSse, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { slowScript, startCluster, waitFor } from "./cluster-support.ts";
import type { Cluster } from "./cluster-support.ts";

/** Every frame of a stream until the server ends it. */
async function readAll(url: string): Promise<SseFrame[]> {
  const frames: SseFrame[] = [];
  for await (const frame of (await openSse(url)).frames) frames.push(frame);
  return frames;
}

/** How many runs a process finished (its loomcycle_runs_finished_total, any status). */
async function finishedRuns(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^loomcycle_runs_finished_total\{[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** The seqs of the event frames (the `agent`/`session` frames carry none). */
function seqs(frames: readonly SseFrame[]): number[] {
  return frames.filter((frame) => frame.id !== undefined).map((frame) => Number(frame.id));
}

describe("a cluster of 2 api and 2 worker processes (Postgres + BullMQ + Redis pub/sub)", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ apis: 2, workers: 2 });
  }, 60_000);
  afterAll(async () => {
    await cluster?.dispose();
  });

  /** The pid executing the run whose `agent` frame was seen, once it has one. */
  async function ownerOnce(seen: readonly SseFrame[]): Promise<number | null> {
    const runId = seen.find((frame) => frame.event === "agent")?.data["run_id"] as string | undefined;
    return runId === undefined ? null : cluster.ownerPid(runId);
  }

  it("streams a run started on api A on api B through re-attach, with no gap and no duplicate; a worker executes it", async () => {
    const [apiA, apiB] = cluster.apis;
    const live = await postSse(`${apiA?.url}/v1/runs`, { agent: "slow", prompt: "go", metadata: { mock_script: slowScript(8, 150) } });
    expect(live.status).toBe(200);
    const seen: SseFrame[] = [];
    let owner: number | null = null;
    for await (const frame of live.frames) {
      seen.push(frame);
      owner ??= await ownerOnce(seen);
      if (seen.filter((item) => item.event === "tool_result").length === 2) break;
    }
    const runId = seen[1]?.data["run_id"] as string;
    const lastSeen = Math.max(...seqs(seen));

    // The client went away from A; it re-attaches on B from the last seq it saw.
    const rest = await readAll(`${apiB?.url}/v1/runs/${runId}/stream?from_seq=${lastSeen}`);
    expect(rest[0]).toMatchObject({ event: "agent", data: { run_id: runId } });
    const restSeqs = seqs(rest);
    expect(restSeqs).toEqual(restSeqs.map((_, index) => lastSeen + 1 + index));
    expect(rest.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "end_turn" } });

    // What A streamed plus what B streamed is exactly the stored run, as a full replay on B shows.
    const replay = await readAll(`${apiB?.url}/v1/runs/${runId}/stream?from_seq=0`);
    const stitched = [...seen.filter((frame) => frame.id !== undefined), ...rest.slice(1)];
    expect(replay.slice(1).map((frame) => [frame.id, frame.event, frame.data])).toEqual(stitched.map((frame) => [frame.id, frame.event, frame.data]));
    expect(replay.filter((frame) => frame.event === "tool_result")).toHaveLength(8);

    // Executed by a worker process, never by an api process.
    const workerPids = cluster.workers.map((worker) => worker.child.pid);
    const apiPids = cluster.apis.map((api) => api.child.pid);
    owner ??= await ownerOnce(seen);
    expect(owner).not.toBeNull();
    expect(workerPids).toContain(owner);
    expect(apiPids).not.toContain(owner);
    expect(await fetchJson(`${apiB?.url}/v1/runs/${runId}`)).toMatchObject({ status: "completed" });
  });

  it("a live follower on api B sees a run started on api A from its first event to done", async () => {
    const [apiA, apiB] = cluster.apis;
    const started = await fetch(`${apiA?.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json", accept: "text/event-stream" }, body: JSON.stringify({ agent: "slow", prompt: "go", metadata: { mock_script: slowScript(4, 100) } }) });
    const reader = started.body?.getReader();
    const first = new TextDecoder().decode((await reader?.read())?.value);
    const runId = /"run_id":"([^"]+)"/.exec(first)?.[1] as string;
    await reader?.cancel();
    const frames = await readAll(`${apiB?.url}/v1/runs/${runId}/stream`);
    const ids = seqs(frames);
    // seq 1 and 2 (user_input, system_prompt) are stored, never streamed.
    expect(ids).toEqual(ids.map((_, index) => 3 + index));
    expect(frames.filter((frame) => frame.event === "started")).toHaveLength(1);
    expect(frames.at(-1)).toMatchObject({ event: "done" });
  });

  it("runs many runs on the workers only, each exactly once", async () => {
    const [apiA, apiB] = cluster.apis;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        fetchJson(`${(index % 2 === 0 ? apiA : apiB)?.url}/v1/runs`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({ agent: "slow", prompt: `run ${index}`, metadata: { mock_script: slowScript(2, 20) } }),
        }),
      ),
    );
    expect(results.map((result) => result.status)).toEqual(results.map(() => "completed"));
    // The api processes executed none of them; the workers' /metrics (their health listener) count them all.
    expect(await Promise.all(cluster.apis.map((api) => finishedRuns(api.url)))).toEqual([0, 0]);
    const byWorker = await Promise.all(cluster.workers.map((worker) => finishedRuns(worker.url)));
    expect(byWorker.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(12);
    for (const result of results) {
      const frames = await readAll(`${apiA?.url}/v1/runs/${result.run_id}/stream`);
      expect(frames.filter((frame) => frame.event === "started")).toHaveLength(1);
      expect(frames.filter((frame) => frame.event === "done")).toHaveLength(1);
    }
  });

  it("never takes a run away from a live worker: a run longer than the job lock and the heartbeat staleness keeps its worker", async () => {
    const [apiA] = cluster.apis;
    const started = await fetch(`${apiA?.url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ agent: "slow", prompt: "long", metadata: { mock_script: slowScript(6, 900) } }),
    });
    const frames = started.body?.getReader();
    const runId = /"run_id":"([^"]+)"/.exec(new TextDecoder().decode((await frames?.read())?.value))?.[1] as string;
    await frames?.cancel();
    const owners = new Set<number>();
    await waitFor(async () => {
      const owner = await cluster.ownerPid(runId);
      if (owner !== null) owners.add(owner);
      return (await fetchJson(`${apiA?.url}/v1/runs/${runId}`)).status === "completed";
    }, 30_000);
    // 6 s of model calls against a 2 s BullMQ lock and a 2 s heartbeat staleness.
    expect(owners.size).toBe(1);
    expect(await cluster.resumeCount(runId)).toBe(0);
    const replay = await readAll(`${apiA?.url}/v1/runs/${runId}/stream`);
    expect(replay.filter((frame) => frame.event === "started")).toHaveLength(1);
  });

  it("Idempotency-Key: the same key sent to api A and api B at once is one run", async () => {
    const [apiA, apiB] = cluster.apis;
    const post = (url: string | undefined): Promise<any> =>
      fetchJson(`${url}/v1/runs`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", "idempotency-key": "cluster-key-1" },
        body: JSON.stringify({ agent: "slow", prompt: "once", metadata: { mock_script: slowScript(1, 50) } }),
      });
    const answers = await Promise.all([post(apiA?.url), post(apiB?.url), post(apiA?.url), post(apiB?.url)]);
    expect(new Set(answers.map((answer) => answer.run_id)).size).toBe(1);
    expect(answers.map((answer) => answer.status)).toEqual(["completed", "completed", "completed", "completed"]);
  });

  it("accepts a run on an api that cannot reach Redis: it stays queued in Postgres and a worker's sweep executes it", async () => {
    const isolated = await cluster.bootApi({ LOOMCYCLE_REDIS_URL: "redis://127.0.0.1:1" });
    const answer = await fetchJson(`${isolated.url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ agent: "slow", prompt: "no redis here", metadata: { mock_script: slowScript(1, 10) } }),
    });
    expect(answer).toMatchObject({ status: "completed", final_text: "all done" });
    const frames = await readAll(`${cluster.apis[0]?.url}/v1/runs/${answer.run_id}/stream`);
    expect(frames.filter((frame) => frame.event === "started")).toHaveLength(1);
  });
  it("finishes a run on the other worker after the worker executing it is killed (kill -9): gapless, one started, no duplicated tool result", async () => {
    const [apiA, apiB] = cluster.apis;
    const live = await postSse(`${apiA?.url}/v1/runs`, { agent: "slow", prompt: "go", metadata: { mock_script: slowScript(10, 250) } });
    let runId = "";
    let results = 0;
    for await (const frame of live.frames) {
      if (frame.event === "agent") runId = frame.data["run_id"] as string;
      if (frame.event === "tool_result" && ++results === 3) break;
    }
    const owner = await cluster.ownerPid(runId);
    const victim = cluster.workers.find((worker) => worker.child.pid === owner);
    expect(victim, "a worker executes the run").toBeDefined();
    await victim?.stop("SIGKILL");
    const killedAt = Date.now();

    await waitFor(async () => (await fetchJson(`${apiB?.url}/v1/runs/${runId}`)).status === "completed", 30_000);
    const survivor = cluster.workers.find((worker) => worker !== victim);
    expect(Date.now() - killedAt).toBeLessThan(20_000);

    const replay = await readAll(`${apiB?.url}/v1/runs/${runId}/stream?from_seq=0`);
    const ids = seqs(replay);
    expect(ids).toEqual(ids.map((_, index) => 3 + index));
    expect(replay.filter((frame) => frame.event === "started")).toHaveLength(1);
    const resultIds = replay.filter((frame) => frame.event === "tool_result").map((frame) => (frame.data["tool_use"] as { id: string }).id);
    expect(new Set(resultIds).size).toBe(resultIds.length);
    expect(resultIds.length).toBeGreaterThanOrEqual(10);
    expect(replay.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "end_turn" } });
    expect(replay.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toContain("all done");
    expect(survivor?.child.exitCode).toBeNull();
    // Taken back once, by one worker.
    expect(await cluster.resumeCount(runId)).toBe(1);
  });
});
