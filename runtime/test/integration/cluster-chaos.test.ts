import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresStore } from "../../src/store/index.ts";
import { postgresBinDir, startPrivatePostgres, startPrivateRedis } from "../support/private-services.ts";
import type { PrivatePostgres, PrivateRedis } from "../support/private-services.ts";
import { slowScript, startCluster, waitFor } from "./cluster-support.ts";
import type { Cluster } from "./cluster-support.ts";

/** How many runs one load wave submits, and the pause between two submissions (alternating apis). */
const RUNS = 48;
const SUBMIT_EVERY_MS = 60;
/** Runs submitted once the restarted server is back: all of them must be accepted. */
const AFTER = 8;
/**
 * Longer than either outage, so no run is taken back merely because its heartbeat could not be
 * written while the server was away: what must not get lost is found by other means.
 */
const STALE_MS = 8_000;
/** A POST that has not answered by then counts as a hang. */
const POST_DEADLINE_MS = 8_000;

/** What one `POST /v1/runs` got: its HTTP status, the run id once accepted, and how long the answer took. */
interface Submission {
  status: number;
  runId: string | null;
  ms: number;
  /** The error body's `code` of a refused POST, or the client's error when no answer came. */
  error?: string;
}

/** POSTs a slow run as SSE and reads until its `agent` frame names the run, then leaves (the run goes on). */
async function submit(url: string, index: number): Promise<Submission> {
  const start = performance.now();
  try {
    const response = await fetch(`${url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ agent: "slow", prompt: `chaos ${index}`, metadata: { mock_script: slowScript(3, 150) } }),
      signal: AbortSignal.timeout(POST_DEADLINE_MS),
    });
    if (response.status !== 200) {
      const code = ((await response.json().catch(() => ({}))) as { code?: string }).code;
      return { status: response.status, runId: null, ms: performance.now() - start, ...(code === undefined ? {} : { error: code }) };
    }
    const runId = await firstRunId(response);
    return { status: response.status, runId, ms: performance.now() - start };
  } catch (error) {
    return { status: 0, runId: null, ms: performance.now() - start, error: (error as Error).message };
  }
}

async function firstRunId(response: Response): Promise<string | null> {
  const reader = response.body?.getReader();
  let text = "";
  while (reader !== undefined) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
    const match = /"run_id":"([^"]+)"/.exec(text);
    if (match?.[1] !== undefined) {
      await reader.cancel();
      return match[1];
    }
  }
  return null;
}

/**
 * Submits RUNS runs through both apis, one every SUBMIT_EVERY_MS, running `chaos` (the outage)
 * once a quarter of them are out; then AFTER more, once the outage is over.
 */
async function loadWith(cluster: Cluster, chaos: () => Promise<void>): Promise<{ during: Submission[]; after: Submission[] }> {
  const pending: Promise<Submission>[] = [];
  let outage: Promise<void> = Promise.resolve();
  for (let index = 0; index < RUNS; index++) {
    if (index === Math.floor(RUNS / 4)) outage = chaos();
    pending.push(submit(cluster.apis[index % cluster.apis.length]?.url ?? "", index));
    await new Promise((resolve) => setTimeout(resolve, SUBMIT_EVERY_MS));
  }
  await outage;
  const after = Array.from({ length: AFTER }, (_, index) => submit(cluster.apis[index % cluster.apis.length]?.url ?? "", RUNS + index));
  return { during: await Promise.all(pending), after: await Promise.all(after) };
}

/** Submits a run every 150 ms until the returned stop function is called (and resolves once the submitter stopped). */
function steadyLoad(cluster: Cluster): () => Promise<void> {
  let running = true;
  const loop = (async (): Promise<void> => {
    for (let index = 0; running; index++) {
      void submit(cluster.apis[index % cluster.apis.length]?.url ?? "", 10_000 + index);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/** Each run's status and its stored events (seq and type), read straight from the database. */
async function storedRuns(databaseUrl: string, runIds: readonly string[]): Promise<Map<string, { status: string; events: { seq: number; type: string }[] }>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const runs = await client.query<{ id: string; status: string }>("select id, status from runs where id = any($1::text[])", [runIds]);
    const events = await client.query<{ run_id: string; seq: number; type: string }>("select run_id, seq, type from events where run_id = any($1::text[]) order by run_id, seq", [runIds]);
    const byRun = new Map(runs.rows.map((row) => [row.id, { status: row.status, events: [] as { seq: number; type: string }[] }]));
    for (const event of events.rows) byRun.get(event.run_id)?.events.push({ seq: event.seq, type: event.type });
    return byRun;
  } finally {
    await client.end();
  }
}

async function allFinished(databaseUrl: string, runIds: readonly string[]): Promise<boolean> {
  try {
    const runs = await storedRuns(databaseUrl, runIds);
    return [...runs.values()].every((run) => ["completed", "failed", "cancelled", "interrupted"].includes(run.status));
  } catch {
    return false;
  }
}

/** Every accepted run completed, and its transcript is seq 1..n with one `started` and one `done`. */
async function expectEveryAcceptedRunCompleted(cluster: Cluster, submissions: readonly Submission[]): Promise<void> {
  const { databaseUrl } = cluster;
  const accepted = submissions.flatMap((submission) => (submission.runId === null ? [] : [submission.runId]));
  // The load goes on while they finish: a worker that is never idle must still give back what it cannot finish.
  const stopLoad = steadyLoad(cluster);
  await waitFor(() => allFinished(databaseUrl, accepted), 30_000).catch(() => undefined);
  await stopLoad();
  const runs = await storedRuns(databaseUrl, accepted);
  const summary = accepted.map((runId) => {
    const run = runs.get(runId);
    const seqs = run?.events.map((event) => event.seq) ?? [];
    return {
      runId,
      status: run?.status,
      gapless: seqs.every((seq, index) => seq === index + 1),
      started: run?.events.filter((event) => event.type === "started").length,
      done: run?.events.filter((event) => event.type === "done").length,
    };
  });
  expect(summary.filter((run) => run.status !== "completed" || !run.gapless || run.started !== 1 || run.done !== 1)).toEqual([]);
}

describe.skipIf(postgresBinDir() === null)("a cluster of 2 api and 2 worker processes survives restarts of its Redis and its Postgres under load", () => {
  let postgres: PrivatePostgres;
  let redis: PrivateRedis;
  let cluster: Cluster;
  /** Kept so that afterAll stops the processes even when start-up outlived the hook's timeout. */
  let starting: Promise<unknown> = Promise.resolve();
  beforeAll(async () => {
    const services = Promise.all([startPrivatePostgres(), startPrivateRedis()]);
    starting = services;
    [postgres, redis] = await services;
    const booting = startCluster({ apis: 2, workers: 2, databaseUrl: postgres.url, redisUrl: redis.url, env: { LOOMCYCLE_HEARTBEAT_STALE_MS: String(STALE_MS) } });
    starting = booting;
    cluster = await booting;
  }, 100_000);
  afterAll(async () => {
    await starting.catch(() => undefined);
    await cluster?.dispose();
    await Promise.all([redis?.dispose(), postgres?.dispose()]);
  });

  it("Redis restarted empty (no persistence) mid-load: every accepted run completes, gapless, started and done once", async () => {
    const { during, after } = await loadWith(cluster, () => redis.restart(1_000));
    // Redis holds nothing a run needs to be accepted: Postgres has it, and the api answers without the queue.
    expect([...during, ...after].filter((submission) => submission.runId === null)).toEqual([]);
    await expectEveryAcceptedRunCompleted(cluster, [...during, ...after]);
  }, 50_000);

  it("Postgres restarted mid-load: refused POSTs get a quick 503, every accepted run completes, gapless, started and done once", async () => {
    const { during, after } = await loadWith(cluster, () => postgres.restart(1_500));
    const refused = during.filter((submission) => submission.runId === null);
    // Never a 500, never a hang: a clean 503 (store_unavailable) while the database is away.
    expect(refused.filter((submission) => submission.status !== 503 || submission.error !== "store_unavailable" || submission.ms > 6_000)).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
    // Once it is back, the apis accept runs again.
    expect(after.filter((submission) => submission.runId === null)).toEqual([]);
    await expectEveryAcceptedRunCompleted(cluster, [...during, ...after]);
  }, 50_000);

  it("a worker's store waits out a Postgres restart; a store without a retry budget (the api's) fails at once with STORE_UNAVAILABLE", async () => {
    const patient = await createPostgresStore({ url: postgres.url, retryUnavailableMs: 20_000 });
    const impatient = await createPostgresStore({ url: postgres.url });
    try {
      await postgres.stop();
      const waiting = patient.ping();
      expect(await impatient.ping().catch((error: unknown) => error)).toMatchObject({ code: "STORE_UNAVAILABLE" });
      await postgres.start();
      await expect(waiting).resolves.toBeUndefined();
    } finally {
      await Promise.all([patient.close(), impatient.close()]);
    }
  }, 40_000);
});
