/**
 * The cluster section of `npm run bench`: separate api and worker processes
 * (`loomcycle serve --role=…`) over Postgres + BullMQ/Redis. Measures throughput per topology,
 * cross-process cancel latency (cancel sent to api B, run executing on a worker) and crash-resume
 * time (kill -9 of the worker executing a run → the run's next event, from the other worker).
 */
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import pg from "pg";
import { percentile, timeOneRun } from "./load.ts";
import type { RunTiming } from "./load.ts";
import type { LevelResult } from "./report.ts";
import { fetchJson, postSse } from "../test/support/sse-client.ts";
import type { SseFrame } from "../test/support/sse-client.ts";
import { slowScript, startCluster } from "../test/integration/cluster-support.ts";
import type { Cluster } from "../test/integration/cluster-support.ts";

/** One level of a topology, with the CPU time its api and worker processes spent per run (user + system). */
export interface ClusterLevelResult extends LevelResult {
  cpuMsPerRun: { api: number; worker: number };
}

/** Throughput of one topology (api and worker process counts) at each concurrency level. */
export interface ClusterTopologyResult {
  apis: number;
  workers: number;
  levels: ClusterLevelResult[];
}

export interface Spread {
  p50: number;
  p99: number;
  max: number;
}

/** Everything the cluster section reports. */
export interface ClusterResult {
  command: string;
  date: string;
  /** The machine's 1-minute load average when the section started and when it ended (other work on it skews every figure). */
  loadAverage: { start: number; end: number };
  throughput: ClusterTopologyResult[];
  cancel: { samples: number; acknowledged: number; latencyMs: Spread };
  crashResume: {
    samples: number;
    heartbeatIntervalMs: number;
    staleAfterMs: number;
    /** kill -9 → the run's next stored event, streamed from the other worker. */
    resumeMs: Spread;
    /** The part of it spent waiting for the dead worker's lease (heartbeat) to go stale. */
    leaseExpiryMs: Spread;
  };
}

/** Production heartbeat settings for throughput (a 10 s heartbeat, 60 s staleness, 10 s sweep). */
const THROUGHPUT_ENV = { LOOMCYCLE_HEARTBEAT_INTERVAL_MS: "10000", LOOMCYCLE_HEARTBEAT_STALE_MS: "60000", LOOMCYCLE_QUEUE_SWEEP_INTERVAL_MS: "10000" };
/** Crash-resume settings: the ones the cluster tests use. */
const CRASH_HEARTBEAT_MS = 200;
const CRASH_STALE_MS = 2_000;

function spread(values: readonly number[]): Spread {
  return { p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values) };
}

/** Runs `total` runs with `concurrency` clients in flight, client i posting to `urls[i % urls.length]`. */
async function driveMany(options: { urls: string[]; body: unknown; concurrency: number; total: number }): Promise<{ timings: RunTiming[]; wallMs: number }> {
  const timings: RunTiming[] = [];
  let issued = 0;
  const start = performance.now();
  const client = async (index: number): Promise<void> => {
    const url = options.urls[index % options.urls.length] ?? "";
    while (issued < options.total) {
      issued++;
      timings.push(await timeOneRun(url, options.body));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => client(index)));
  return { timings, wallMs: performance.now() - start };
}

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat. */
async function cpuMs(pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 (utime, stime) in clock ticks, 100 per second on Linux.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function cpuOf(cluster: Cluster): Promise<{ api: number; worker: number }> {
  const sum = async (servers: Cluster["apis"]): Promise<number> => (await Promise.all(servers.map((server) => cpuMs(server.child.pid)))).reduce((a, b) => a + b, 0);
  return { api: await sum(cluster.apis), worker: await sum(cluster.workers) };
}

async function measureLevel(cluster: Cluster, options: { script: unknown; concurrency: number; total: number }): Promise<ClusterLevelResult> {
  const body = { agent: "slow", prompt: "benchmark", metadata: { mock_script: options.script } };
  const before = await cpuOf(cluster);
  const { timings, wallMs } = await driveMany({ urls: cluster.apis.map((api) => api.url), body, concurrency: options.concurrency, total: options.total });
  const after = await cpuOf(cluster);
  const ok = timings.filter((timing) => timing.ok);
  return {
    cpuMsPerRun: { api: (after.api - before.api) / timings.length, worker: (after.worker - before.worker) / timings.length },
    concurrency: options.concurrency,
    runs: timings.length,
    failed: timings.length - ok.length,
    runsPerSecond: (ok.length / wallMs) * 1000,
    firstEventMs: { p50: percentile(ok.map((t) => t.firstEventMs), 50), p99: percentile(ok.map((t) => t.firstEventMs), 99) },
    endToEndMs: { p50: percentile(ok.map((t) => t.endMs), 50), p99: percentile(ok.map((t) => t.endMs), 99) },
  };
}

/** Throughput of one topology on a fresh database and Redis prefix. */
async function benchTopology(options: { apis: number; workers: number; levels: number[]; script: unknown; runsFor: (concurrency: number) => number }): Promise<ClusterTopologyResult> {
  const cluster = await startCluster({ apis: options.apis, workers: options.workers, env: THROUGHPUT_ENV });
  try {
    const urls = cluster.apis.map((api) => api.url);
    await driveMany({ urls, body: { agent: "slow", prompt: "warm up", metadata: { mock_script: options.script } }, concurrency: 8, total: 40 });
    const levels: ClusterLevelResult[] = [];
    for (const concurrency of options.levels) {
      const result = await measureLevel(cluster, { script: options.script, concurrency, total: options.runsFor(concurrency) });
      const cpu = `cpu/run api ${result.cpuMsPerRun.api.toFixed(1)} ms worker ${result.cpuMsPerRun.worker.toFixed(1)} ms`;
      console.log(`cluster ${options.apis} api + ${options.workers} workers c=${concurrency}: ${result.runsPerSecond.toFixed(1)} runs/s, e2e p50 ${result.endToEndMs.p50.toFixed(1)} ms p99 ${result.endToEndMs.p99.toFixed(1)} ms, failed ${result.failed}, ${cpu}`);
      levels.push(result);
    }
    return { apis: options.apis, workers: options.workers, levels };
  } finally {
    await cluster.dispose();
  }
}

/** A run streamed from `url`, resolved once `until` (a frame predicate) held; its frames keep arriving in the background. */
interface Followed {
  runId: string;
  frames: { frame: SseFrame; at: number }[];
  ended: Promise<number>;
}

async function follow(url: string, body: unknown, until: (frames: SseFrame[]) => boolean): Promise<Followed> {
  const response = await postSse(`${url}/v1/runs`, body);
  const frames: { frame: SseFrame; at: number }[] = [];
  let reached: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (reached = resolve));
  const ended = (async (): Promise<number> => {
    for await (const frame of response.frames) {
      frames.push({ frame, at: performance.now() });
      if (until(frames.map((item) => item.frame))) reached();
    }
    reached();
    return performance.now();
  })();
  await ready;
  const runId = frames.find((item) => item.frame.event === "agent")?.frame.data["run_id"] as string;
  return { runId, frames, ended };
}

/** One cancel: a run waiting on a 2-minute model call on a worker, cancelled through the other api; ms until its stream ended. */
async function cancelSample(cluster: Cluster, index: number): Promise<{ ms: number; acknowledged: boolean }> {
  const [apiA, apiB] = cluster.apis;
  const agentId = `bench-cancel-${index}-${Math.random().toString(36).slice(2, 8)}`;
  const body = { agent: "slow", prompt: "wait", agent_id: agentId, metadata: { mock_script: [{ text: "never reached", delay_ms: 120_000 }] } };
  const run = await follow(apiA?.url ?? "", body, (frames) => frames.some((frame) => frame.event === "started"));
  const sent = performance.now();
  const answer = await fetchJson(`${apiB?.url}/v1/agents/${agentId}/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ reason: "bench" }) });
  const ended = await run.ended;
  return { ms: ended - sent, acknowledged: answer?.acknowledged === true };
}

async function benchCancel(cluster: Cluster, samples: number): Promise<ClusterResult["cancel"]> {
  const results: { ms: number; acknowledged: boolean }[] = [];
  // Four at a time: each sample waits for its run to start on a worker first.
  for (let index = 0; index < samples; index += 4) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(4, samples - index) }, (_, offset) => cancelSample(cluster, index + offset)))));
  }
  const latencyMs = spread(results.map((result) => result.ms));
  console.log(`cluster cancel (api B → worker): p50 ${latencyMs.p50.toFixed(1)} ms p99 ${latencyMs.p99.toFixed(1)} ms over ${samples}`);
  return { samples, acknowledged: results.filter((result) => result.acknowledged).length, latencyMs };
}

/** The run's highest stored seq, and how long its heartbeat has left before it goes stale (ms, ≥ 0). */
async function leaseState(databaseUrl: string, runId: string): Promise<{ lastSeq: number; leaseLeftMs: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ last_seq: number | null; left_ms: number }>(
      `select (select max(seq) from events where run_id = $1) as last_seq,
              greatest(0, extract(epoch from (heartbeat_at + make_interval(secs => $2::double precision / 1000) - clock_timestamp())) * 1000)::float8 as left_ms
       from runs where id = $1`,
      [runId, CRASH_STALE_MS],
    );
    return { lastSeq: rows[0]?.last_seq ?? 0, leaseLeftMs: rows[0]?.left_ms ?? 0 };
  } finally {
    await client.end();
  }
}

/** One crash: kill -9 the worker executing a long run; ms from the kill to the first event stored after it, and the lease part. */
async function crashSample(cluster: Cluster): Promise<{ resumeMs: number; leaseMs: number }> {
  const [api] = cluster.apis;
  const body = { agent: "slow", prompt: "long", metadata: { mock_script: slowScript(30, 100) } };
  const run = await follow(api?.url ?? "", body, (frames) => frames.filter((frame) => frame.event === "tool_result").length >= 2);
  const owner = await cluster.ownerPid(run.runId);
  const victim = cluster.workers.find((worker) => worker.child.pid === owner);
  if (victim === undefined) throw new Error(`run ${run.runId} is not executing on a worker (owner pid ${owner})`);
  await victim.stop("SIGKILL");
  const killedAt = performance.now();
  const { lastSeq, leaseLeftMs } = await leaseState(cluster.databaseUrl, run.runId);
  const replacement = cluster.bootWorker();
  const resumed = await waitForFrame(run, (frame) => frame.id !== undefined && Number(frame.id) > lastSeq);
  await Promise.all([run.ended, replacement]);
  cluster.workers.splice(cluster.workers.indexOf(victim), 1);
  return { resumeMs: resumed - killedAt, leaseMs: Math.min(leaseLeftMs, resumed - killedAt) };
}

async function waitForFrame(run: Followed, match: (frame: SseFrame) => boolean): Promise<number> {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    const found = run.frames.find((item) => match(item.frame));
    if (found !== undefined) return found.at;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`run ${run.runId} did not resume within 60 s`);
}

async function benchCrash(samples: number): Promise<ClusterResult["crashResume"]> {
  const cluster = await startCluster({
    apis: 1,
    workers: 2,
    env: { LOOMCYCLE_HEARTBEAT_INTERVAL_MS: String(CRASH_HEARTBEAT_MS), LOOMCYCLE_HEARTBEAT_STALE_MS: String(CRASH_STALE_MS), LOOMCYCLE_QUEUE_SWEEP_INTERVAL_MS: "500" },
  });
  try {
    const results: { resumeMs: number; leaseMs: number }[] = [];
    for (let index = 0; index < samples; index++) results.push(await crashSample(cluster));
    const resumeMs = spread(results.map((result) => result.resumeMs));
    const leaseExpiryMs = spread(results.map((result) => result.leaseMs));
    console.log(`cluster crash-resume: p50 ${resumeMs.p50.toFixed(0)} ms (lease ${leaseExpiryMs.p50.toFixed(0)} ms) p99 ${resumeMs.p99.toFixed(0)} ms over ${samples}`);
    return { samples, heartbeatIntervalMs: CRASH_HEARTBEAT_MS, staleAfterMs: CRASH_STALE_MS, resumeMs, leaseExpiryMs };
  } finally {
    await cluster.dispose();
  }
}

/** The whole cluster section. */
export async function benchCluster(options: { quick: boolean; levels: number[]; script: unknown; command: string }): Promise<ClusterResult> {
  const loadAtStart = loadavg()[0] ?? 0;
  // Fewer runs than the single-process levels: a cluster on a small machine is slower, and a level still lasts ≥ 10 s.
  const runsFor = (concurrency: number): number => (options.quick ? Math.max(20, concurrency * 2) : Math.max(500, concurrency * 4));
  const throughput: ClusterTopologyResult[] = [];
  for (const [apis, workers] of [
    [1, 1],
    [1, 2],
    [2, 2],
  ] as const) {
    throughput.push(await benchTopology({ apis, workers, levels: options.levels, script: options.script, runsFor }));
  }
  const cancelCluster = await startCluster({ apis: 2, workers: 2 });
  let cancel: ClusterResult["cancel"];
  try {
    cancel = await benchCancel(cancelCluster, options.quick ? 20 : 100);
  } finally {
    await cancelCluster.dispose();
  }
  const crashResume = await benchCrash(options.quick ? 3 : 10);
  const loadAverage = { start: loadAtStart, end: loadavg()[0] ?? 0 };
  return { command: options.command, date: new Date().toISOString(), loadAverage, throughput, cancel, crashResume };
}
