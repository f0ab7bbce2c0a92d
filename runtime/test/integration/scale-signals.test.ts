import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/index.ts";
import { silentLogger } from "../../src/domain/index.ts";
import { createRuntime } from "../../src/main.ts";
import type { Runtime } from "../../src/main.ts";
import { isolatedDatabaseUrl, startTestRuntime, testConfig } from "../support/test-runtime.ts";
import { TEST_REDIS_URL, waitFor } from "./cluster-support.ts";

/**
 * The autoscaling signals on /metrics: queue depth by state (the whole cluster's on BullMQ),
 * runs by status, runs live in this process, the oldest lease's age, and the lag of the
 * backplane topics (control kinds over LISTEN/NOTIFY, events over Redis).
 */

const cleanup: (() => Promise<void>)[] = [];
const openStreams: AbortController[] = [];
afterEach(async () => {
  for (const stream of openStreams.splice(0)) stream.abort();
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** `calls` model calls of `delayMs` each (Context tool calls), then a final text: a run that takes a while. */
function slowScript(calls: number, delayMs: number): unknown[] {
  return [...Array.from({ length: calls }, () => ({ tool: "Context", input: { op: "self" }, delay_ms: delayMs })), { text: "all done", delay_ms: delayMs }];
}

/** Starts a run over SSE and leaves its stream open (the api follows the run's events) until the test ends. */
async function start(url: string, agentId: string, script: unknown[]): Promise<void> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ agent: "scripted", prompt: "go", agent_id: agentId, metadata: { mock_script: script } }),
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  openStreams.push(controller);
}

/** Every sample of a /metrics page, keyed `name{labels}` as printed. */
async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

/** Waits until the page of `url` shows every expected sample. */
async function waitForMetrics(url: string, expected: Record<string, number>): Promise<Map<string, number>> {
  let last = new Map<string, number>();
  try {
    await waitFor(async () => {
      last = await scrape(url);
      return Object.entries(expected).every(([name, value]) => last.get(name) === value);
    });
  } catch (error) {
    const seen = Object.keys(expected).map((name) => `${name}=${String(last.get(name))}`);
    throw new Error(`metrics not reached: ${seen.join(", ")}`, { cause: error });
  }
  return last;
}

async function status(url: string, agentId: string): Promise<string> {
  return ((await (await fetch(`${url}/v1/agents/${agentId}`)).json()) as { status: string }).status;
}

/** One runtime "process" of a cluster, in this test process: a shared database URL (control over NOTIFY) and Redis prefix. */
async function node(options: { role: "api" | "worker"; databaseUrl: string; prefix: string }): Promise<Runtime> {
  const base = testConfig();
  const config: Partial<Config> = {
    databaseUrl: options.databaseUrl,
    cluster: { role: options.role, redisUrl: TEST_REDIS_URL, redisPrefix: options.prefix, sweepIntervalMs: 60_000 },
    limits: { ...base.limits, maxConcurrentRuns: 1 },
    heartbeat: { intervalMs: 200, staleAfterMs: 30_000 },
  };
  const runtime = await createRuntime(testConfig(config), { logger: silentLogger });
  cleanup.push(() => runtime.close());
  return runtime;
}

async function freshCluster(): Promise<{ databaseUrl: string; prefix: string }> {
  const database = await isolatedDatabaseUrl();
  const prefix = `lc-test-${Math.random().toString(36).slice(2, 10)}`;
  cleanup.push(async () => {
    await database.dispose();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  return { databaseUrl: database.url, prefix };
}

describe("scale signals in a cluster (BullMQ, Redis, LISTEN/NOTIFY)", () => {
  it("reports the cluster's queue and runs on every process, live runs where they execute, and the backplane lag per topic", async () => {
    const cluster = await freshCluster();
    const api = await node({ role: "api", ...cluster });
    const worker = await node({ role: "worker", ...cluster });
    await start(api.url, "long", slowScript(40, 250));
    await waitFor(async () => (await status(api.url, "long")) === "running");
    await start(api.url, "next-1", slowScript(0, 10));
    await start(api.url, "next-2", slowScript(0, 10));

    // The worker executes one run at a time: one active, two waiting, whoever is asked.
    const busy = {
      'loomcycle_queue_depth{state="waiting"}': 2,
      'loomcycle_queue_depth{state="active"}': 1,
      'loomcycle_queue_depth{state="delayed"}': 0,
      'loomcycle_runs{status="queued"}': 2,
      'loomcycle_runs{status="running"}': 1,
      'loomcycle_runs{status="awaiting_input"}': 0,
      'loomcycle_runs{status="paused"}': 0,
    };
    const onApi = await waitForMetrics(api.url, { ...busy, loomcycle_runs_live: 0 });
    const onWorker = await waitForMetrics(worker.url, { ...busy, loomcycle_runs_live: 1 });
    for (const page of [onApi, onWorker]) {
      const leaseAge = page.get("loomcycle_run_lease_age_seconds") ?? -1;
      expect(leaseAge).toBeGreaterThanOrEqual(0);
      expect(leaseAge).toBeLessThan(30);
    }
    // The api follows the run's stream: its events arrived from the worker over Redis.
    expect(onApi.get('loomcycle_backplane_lag_seconds_count{topic="events"}') ?? 0).toBeGreaterThan(0);

    const cancel = await fetch(`${api.url}/v1/agents/long/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(await cancel.json()).toMatchObject({ cancelled: true });
    const lagCount = async (url: string, topic: string): Promise<number> => (await scrape(url)).get(`loomcycle_backplane_lag_seconds_count{topic="${topic}"}`) ?? 0;
    // The worker got the cancel over NOTIFY. (Whether it answers `cancel_ack` depends on a race with its
    // heartbeat's resync, which may have aborted the run first, so the api's ack count is not asserted.)
    await waitFor(async () => (await lagCount(worker.url, "cancel")) > 0);

    await waitFor(async () => (await status(api.url, "next-2")) === "completed" && (await status(api.url, "next-1")) === "completed");
    const idle = { 'loomcycle_queue_depth{state="waiting"}': 0, 'loomcycle_queue_depth{state="active"}': 0, 'loomcycle_runs{status="queued"}': 0, 'loomcycle_runs{status="running"}': 0, loomcycle_run_lease_age_seconds: 0 };
    await waitForMetrics(api.url, idle);
    await waitForMetrics(worker.url, { ...idle, loomcycle_runs_live: 0 });
  });
});

describe("scale signals in embedded mode", () => {
  it("reports the in-process queue and the store's runs", async () => {
    const base = testConfig();
    const runtime = await startTestRuntime("postgres", { limits: { ...base.limits, maxConcurrentRuns: 1 } });
    cleanup.push(() => runtime.dispose());
    await start(runtime.url, "long", slowScript(40, 250));
    await start(runtime.url, "next", slowScript(0, 10));
    await waitForMetrics(runtime.url, {
      'loomcycle_queue_depth{state="waiting"}': 1,
      'loomcycle_queue_depth{state="active"}': 1,
      'loomcycle_queue_depth{state="delayed"}': 0,
      'loomcycle_runs{status="queued"}': 1,
      'loomcycle_runs{status="running"}': 1,
      loomcycle_runs_live: 1,
    });
    await fetch(`${runtime.url}/v1/agents/long/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    await waitForMetrics(runtime.url, { 'loomcycle_runs{status="running"}': 0, 'loomcycle_runs{status="queued"}': 0, loomcycle_runs_live: 0, loomcycle_run_lease_age_seconds: 0 });
  });
});
