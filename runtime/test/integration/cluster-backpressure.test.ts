import pg from "pg";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/index.ts";
import { silentLogger } from "../../src/domain/index.ts";
import { createRuntime } from "../../src/main.ts";
import type { Runtime } from "../../src/main.ts";
import { BullmqRunQueue } from "../../src/queue/index.ts";
import { createPostgresStore } from "../../src/store/index.ts";
import { TEST_DATABASE_URL, testConfig } from "../support/test-runtime.ts";
import { TEST_REDIS_URL, waitFor } from "./cluster-support.ts";

/**
 * LOOMCYCLE_MAX_QUEUE_DEPTH in cluster mode: admission counts the runs waiting in the whole
 * BullMQ queue (every api process's), so a full cluster answers 429 backpressure with
 * Retry-After on any api process, and takes runs again once workers drain the queue.
 */

const cleanup: (() => Promise<void>)[] = [];
const openStreams: AbortController[] = [];
afterEach(async () => {
  for (const stream of openStreams.splice(0)) stream.abort();
  for (const step of cleanup.splice(0).reverse()) await step();
});

function freshPrefix(): string {
  const prefix = `lc-test-${Math.random().toString(36).slice(2, 10)}`;
  cleanup.push(async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
  return prefix;
}

function queue(prefix: string, maxWaiting: number): BullmqRunQueue {
  const created = new BullmqRunQueue({ redisUrl: TEST_REDIS_URL, prefix, onError: () => undefined, lockDurationMs: 5_000, stalledIntervalMs: 5_000, maxWaiting });
  cleanup.push(() => created.close());
  return created;
}

/** A runtime process of one cluster (in this test process): shared Redis prefix, shared Postgres schema. */
async function node(options: { role: "api" | "worker"; prefix: string; schema: string; maxQueueDepth: number }): Promise<Runtime> {
  const config: Partial<Config> = {
    cluster: { role: options.role, redisUrl: TEST_REDIS_URL, redisPrefix: options.prefix, sweepIntervalMs: 60_000 },
    concurrency: { maxConcurrentRunsPerUser: 0, maxConcurrentRunsPerTenant: 0, maxQueueDepth: options.maxQueueDepth },
  };
  const store = await createPostgresStore({ url: TEST_DATABASE_URL, schema: options.schema });
  const runtime = await createRuntime(testConfig(config), { logger: silentLogger, store });
  cleanup.push(() => runtime.close());
  return runtime;
}

function freshSchema(): string {
  const schema = `lc_test_${Math.random().toString(36).slice(2, 10)}`;
  cleanup.push(async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });
  return schema;
}

interface Started {
  status: number;
  retryAfter: string | null;
  code: string | null;
}

/** POST /v1/runs as SSE: an accepted run's stream stays open until the test ends; a refusal's body is read. */
async function start(url: string, agentId: string): Promise<Started> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ agent: "scripted", prompt: "go", agent_id: agentId, metadata: { mock_script: [{ text: "done", delay_ms: 10 }] } }),
    signal: controller.signal,
  });
  if (response.status === 200) {
    openStreams.push(controller);
    return { status: 200, retryAfter: null, code: null };
  }
  const body = (await response.json()) as { code?: string };
  return { status: response.status, retryAfter: response.headers.get("retry-after"), code: body.code ?? null };
}

/** The value of `loomcycle_queue_depth{state="waiting"}` on a process's /metrics. */
async function waitingOnMetrics(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^loomcycle_queue_depth\{state="waiting"\} (\d+)$/m.exec(text)?.[1] ?? -1);
}

async function runStatus(url: string, agentId: string): Promise<string> {
  const response = await fetch(`${url}/v1/agents/${agentId}`);
  return response.status === 200 ? ((await response.json()) as { status: string }).status : String(response.status);
}

describe("BullmqRunQueue admission (max_queue_depth)", () => {
  it("refuses a place once the cluster's waiting jobs plus this process's held places reach the bound", async () => {
    const prefix = freshPrefix();
    const api = queue(prefix, 2);
    const first = api.reserve();
    const second = api.reserve();
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(api.reserve()).toBeNull();
    second?.release();
    const again = api.reserve();
    expect(again).not.toBeNull();
    await first?.enqueue({ runId: "run_1" });
    await again?.enqueue({ runId: "run_2" });
    // Both are in Redis now: still full, whether this process counts them itself or from Redis.
    expect(api.reserve()).toBeNull();
    await waitFor(async () => (await api.jobCounts()).waiting === 2);
    expect(api.reserve()).toBeNull();
  });

  it("counts jobs another process enqueued, and frees places as workers take jobs", async () => {
    const prefix = freshPrefix();
    const other = queue(prefix, 0);
    await other.enqueue({ runId: "run_a" });
    await other.enqueue({ runId: "run_b" });
    const api = queue(prefix, 2);
    const probe = api.reserve();
    probe?.release();
    // Within one count period (500 ms) this process sees the other's two waiting jobs.
    await waitFor(async () => api.reserve() === null, 5_000);
    const handled: string[] = [];
    queue(prefix, 0).consume(async (job) => void handled.push(job.runId), { concurrency: 2 });
    await waitFor(async () => handled.length === 2);
    await waitFor(async () => {
      const slot = api.reserve();
      slot?.release();
      return slot !== null;
    }, 5_000);
  });
});

describe("429 backpressure across api processes (BullMQ)", () => {
  it("refuses a run on either api once max_queue_depth runs wait cluster-wide, and accepts again after a worker drains the queue", async () => {
    const prefix = freshPrefix();
    const schema = freshSchema();
    const apiA = await node({ role: "api", prefix, schema, maxQueueDepth: 2 });
    const apiB = await node({ role: "api", prefix, schema, maxQueueDepth: 2 });
    expect((await start(apiA.url, "one")).status).toBe(200);
    expect((await start(apiB.url, "two")).status).toBe(200);
    await waitFor(async () => (await waitingOnMetrics(apiA.url)) === 2 && (await waitingOnMetrics(apiB.url)) === 2);

    for (const [url, agentId] of [[apiA.url, "refused-a"], [apiB.url, "refused-b"]] as const) {
      expect(await start(url, agentId)).toEqual({ status: 429, retryAfter: "5", code: "backpressure" });
      expect(await runStatus(url, agentId)).toBe("404");
    }

    await node({ role: "worker", prefix, schema, maxQueueDepth: 2 });
    await waitFor(async () => (await runStatus(apiA.url, "one")) === "completed" && (await runStatus(apiA.url, "two")) === "completed");
    await waitFor(async () => (await waitingOnMetrics(apiA.url)) === 0);
    expect((await start(apiA.url, "three")).status).toBe(200);
    await waitFor(async () => (await runStatus(apiB.url, "three")) === "completed");
  });
});
