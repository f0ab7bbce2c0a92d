import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../src/domain/index.ts";
import { BullmqRunQueue, RedisEventBus } from "../../src/queue/index.ts";
import { TEST_REDIS_URL, waitFor } from "./cluster-support.ts";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
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

function queue(prefix: string, errors: unknown[] = []): BullmqRunQueue {
  const created = new BullmqRunQueue({ redisUrl: TEST_REDIS_URL, prefix, onError: (error) => errors.push(error), lockDurationMs: 5_000, stalledIntervalMs: 5_000 });
  cleanup.push(() => created.close());
  return created;
}

function event(runId: string, seq: number): StoredEvent {
  return { run_id: runId, session_id: "ses_1", seq, ts_ms: 1, event: { type: "text", text: `t${seq}` } };
}

describe("BullmqRunQueue", () => {
  it("makes a double enqueue of a waiting run one job; a finished run can be enqueued again (a resume)", async () => {
    const prefix = freshPrefix();
    const producer = queue(prefix);
    await producer.enqueue({ runId: "run_a" });
    await producer.enqueue({ runId: "run_a" });
    await producer.enqueue({ runId: "run_b" });
    const handled: string[] = [];
    queue(prefix).consume(async (job) => void handled.push(job.runId), { concurrency: 2 });
    await waitFor(async () => handled.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handled.sort()).toEqual(["run_a", "run_b"]);
    await producer.enqueue({ runId: "run_a" });
    await waitFor(async () => handled.length === 3);
    expect(handled.filter((id) => id === "run_a")).toHaveLength(2);
  });

  it("hands each job to exactly one of several workers, at most `concurrency` at once per worker", async () => {
    const prefix = freshPrefix();
    const producer = queue(prefix);
    const handled: string[] = [];
    let running = 0;
    let peak = 0;
    const handler = async (job: { runId: string }): Promise<void> => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 30));
      handled.push(job.runId);
      running--;
    };
    queue(prefix).consume(handler, { concurrency: 1 });
    queue(prefix).consume(handler, { concurrency: 1 });
    for (let index = 0; index < 10; index++) await producer.enqueue({ runId: `run_${index}` });
    await waitFor(async () => handled.length >= 10);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(handled.sort()).toEqual(Array.from({ length: 10 }, (_, index) => `run_${index}`).sort());
    expect(peak).toBeLessThanOrEqual(2);
  });

  it("reports a handler failure to onError and keeps consuming (the job is only a trigger)", async () => {
    const prefix = freshPrefix();
    const errors: unknown[] = [];
    const producer = queue(prefix);
    const handled: string[] = [];
    queue(prefix, errors).consume(async (job) => {
      if (job.runId === "boom") throw new Error("executor failed");
      handled.push(job.runId);
    }, { concurrency: 1 });
    await producer.enqueue({ runId: "boom" });
    await producer.enqueue({ runId: "fine" });
    await waitFor(async () => handled.includes("fine"));
    expect(errors.map((error) => (error as Error).message)).toContain("executor failed");
  });

  it("fails an enqueue within seconds when Redis is unreachable, instead of hanging the request", async () => {
    const unreachable = new BullmqRunQueue({ redisUrl: "redis://127.0.0.1:1", prefix: "lc-none", onError: () => undefined, lockDurationMs: 5_000, stalledIntervalMs: 5_000 });
    cleanup.push(() => unreachable.close().catch(() => undefined));
    const started = Date.now();
    await expect(unreachable.enqueue({ runId: "run_x" })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("RedisEventBus", () => {
  function bus(prefix: string): RedisEventBus {
    const created = new RedisEventBus({ redisUrl: TEST_REDIS_URL, prefix, onError: () => undefined });
    cleanup.push(() => created.close());
    return created;
  }

  it("delivers a stored batch to subscribers in another process's bus, in order, once; local subscribers get it once too", async () => {
    const prefix = freshPrefix();
    const publisher = bus(prefix);
    const follower = bus(prefix);
    const remote: number[] = [];
    const local: number[] = [];
    follower.subscribe("run_1", (stored) => remote.push(stored.seq));
    publisher.subscribe("run_1", (stored) => local.push(stored.seq));
    await Promise.all([follower.ready("run_1"), publisher.ready("run_1")]);
    publisher.publish([event("run_1", 3), event("run_1", 4)]);
    publisher.publish([event("run_1", 5), event("run_2", 1)]);
    await waitFor(async () => remote.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(remote).toEqual([3, 4, 5]);
    expect(local).toEqual([3, 4, 5]);
  });

  it("stops delivering after the last unsubscribe, and keeps other runs and prefixes apart", async () => {
    const prefix = freshPrefix();
    const publisher = bus(prefix);
    const follower = bus(prefix);
    const stranger = bus(freshPrefix());
    const seen: string[] = [];
    const first = follower.subscribe("run_1", (stored) => seen.push(`a${stored.seq}`));
    const second = follower.subscribe("run_1", (stored) => seen.push(`b${stored.seq}`));
    stranger.subscribe("run_1", (stored) => seen.push(`stranger${stored.seq}`));
    await Promise.all([follower.ready("run_1"), stranger.ready("run_1")]);
    publisher.publish([event("run_1", 1)]);
    await waitFor(async () => seen.length === 2);
    first();
    publisher.publish([event("run_1", 2)]);
    await waitFor(async () => seen.length === 3);
    second();
    publisher.publish([event("run_1", 3)]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual(["a1", "b1", "b2"]);
  });
});
