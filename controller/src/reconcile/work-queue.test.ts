import { describe, expect, it } from "vitest";
import { WorkQueue } from "./work-queue.ts";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("WorkQueue", () => {
  it("processes a key added twice while waiting once", async () => {
    const queue = new WorkQueue();
    queue.add("ns/a");
    queue.add("ns/a");
    queue.add("ns/b");
    expect(queue.depth).toBe(2);
    const seen: string[] = [];
    queue.run(1, async (key) => {
      seen.push(key);
    });
    await until(() => seen.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(seen).toEqual(["ns/a", "ns/b"]);
    await queue.shutDown();
  });

  it("never runs one key concurrently, and runs it again after when re-added mid-flight", async () => {
    const queue = new WorkQueue();
    const gate = deferred();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    queue.run(4, async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      if (runs === 1) await gate.promise;
      running--;
    });
    queue.add("ns/a");
    await until(() => runs === 1);
    queue.add("ns/a");
    queue.add("ns/a");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toBe(1);
    gate.resolve();
    await until(() => runs === 2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runs).toBe(2);
    expect(maxRunning).toBe(1);
    await queue.shutDown();
  });

  it("runs distinct keys in parallel across workers", async () => {
    const queue = new WorkQueue();
    const gate = deferred();
    let running = 0;
    queue.run(3, async () => {
      running++;
      await gate.promise;
    });
    for (const key of ["a/1", "a/2", "a/3"]) queue.add(key);
    await until(() => running === 3);
    gate.resolve();
    await queue.shutDown();
  });

  it("backs off exponentially per key from 5 ms, capped at 1000 s, and forget resets it", () => {
    const queue = new WorkQueue();
    const delays = Array.from({ length: 5 }, () => queue.addRateLimited("ns/a"));
    expect(delays).toEqual([5, 10, 20, 40, 80]);
    expect(queue.retries("ns/a")).toBe(5);
    expect(queue.addRateLimited("ns/b")).toBe(5);
    for (let index = 0; index < 40; index++) queue.addRateLimited("ns/c");
    expect(queue.addRateLimited("ns/c")).toBe(1_000_000);
    queue.forget("ns/a");
    expect(queue.addRateLimited("ns/a")).toBe(5);
    void queue.shutDown();
  });

  it("adds a key after a delay, keeping the earliest pending add", async () => {
    const queue = new WorkQueue();
    const seenAt: number[] = [];
    const started = Date.now();
    queue.run(1, async () => {
      seenAt.push(Date.now() - started);
    });
    queue.addAfter("ns/a", 80);
    queue.addAfter("ns/a", 5_000);
    await until(() => seenAt.length === 1);
    expect(seenAt[0]).toBeGreaterThanOrEqual(70);
    expect(seenAt[0]).toBeLessThan(3_000);
    await queue.shutDown();
  });

  it("reports its depth on every change", async () => {
    const depths: number[] = [];
    const queue = new WorkQueue({ onDepth: (depth) => depths.push(depth) });
    queue.add("a/1");
    queue.add("a/2");
    expect(depths.at(-1)).toBe(2);
    queue.run(1, async () => undefined);
    await until(() => depths.at(-1) === 0);
    await queue.shutDown();
  });

  it("shutDown drops waiting keys and waits for the in-flight one", async () => {
    const queue = new WorkQueue();
    const gate = deferred();
    const finished: string[] = [];
    queue.run(1, async (key) => {
      await gate.promise;
      finished.push(key);
    });
    queue.add("a/1");
    queue.add("a/2");
    await until(() => queue.depth === 1);
    const stopping = queue.shutDown();
    queue.add("a/3");
    setTimeout(() => gate.resolve(), 50);
    await stopping;
    expect(finished).toEqual(["a/1"]);
    expect(queue.depth).toBe(0);
  });

  it("shutDown gives up on a stuck handler after its timeout", async () => {
    const queue = new WorkQueue();
    queue.run(1, () => new Promise(() => undefined));
    queue.add("a/1");
    const started = Date.now();
    await queue.shutDown(100);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
