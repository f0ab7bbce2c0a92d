import { describe, expect, it } from "vitest";
import { InProcessRunQueue } from "./in-process-run-queue.ts";

/** A queue whose workers hold every job until released, so tests control what is running. */
function heldQueue(options: { maxWaiting: number; concurrency: number }): { queue: InProcessRunQueue; started: string[]; finishAll: () => void } {
  const queue = new InProcessRunQueue({ onError: () => undefined, maxWaiting: options.maxWaiting });
  const started: string[] = [];
  const releases: (() => void)[] = [];
  queue.consume(
    (job) =>
      new Promise<void>((resolve) => {
        started.push(job.runId);
        releases.push(resolve);
      }),
    { concurrency: options.concurrency },
  );
  return { queue, started, finishAll: () => releases.splice(0).forEach((release) => release()) };
}

describe("InProcessRunQueue admission (max_queue_depth)", () => {
  it("admits runs that start at once plus max_queue_depth waiting ones, then refuses", async () => {
    const { queue, started } = heldQueue({ maxWaiting: 1, concurrency: 2 });
    for (const runId of ["a", "b", "c"]) {
      const slot = queue.reserve();
      expect(slot, `slot for ${runId}`).not.toBeNull();
      await slot?.enqueue({ runId });
    }
    expect(started).toEqual(["a", "b"]);
    expect(queue.depth()).toEqual({ waiting: 1, active: 2 });
    expect(queue.reserve()).toBeNull();
  });

  it("counts held places, so concurrent admissions cannot both take the last one; a released place is free again", () => {
    const { queue } = heldQueue({ maxWaiting: 1, concurrency: 1 });
    const first = queue.reserve();
    const second = queue.reserve();
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(queue.reserve()).toBeNull();
    second?.release();
    second?.release();
    const third = queue.reserve();
    expect(third).not.toBeNull();
    expect(queue.reserve()).toBeNull();
  });

  it("frees places as workers finish", async () => {
    const { queue, finishAll } = heldQueue({ maxWaiting: 1, concurrency: 1 });
    await queue.reserve()?.enqueue({ runId: "a" });
    await queue.reserve()?.enqueue({ runId: "b" });
    expect(queue.reserve()).toBeNull();
    finishAll();
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.depth()).toEqual({ waiting: 0, active: 1 });
    expect(queue.reserve()).not.toBeNull();
  });

  it("is unbounded with max_queue_depth 0, and recovery enqueues bypass the bound", async () => {
    const unbounded = heldQueue({ maxWaiting: 0, concurrency: 1 }).queue;
    for (let index = 0; index < 50; index++) await unbounded.reserve()?.enqueue({ runId: `r${index}` });
    expect(unbounded.depth().waiting).toBe(49);
    const bounded = heldQueue({ maxWaiting: 1, concurrency: 1 }).queue;
    for (let index = 0; index < 5; index++) await bounded.enqueue({ runId: `resumed${index}` });
    expect(bounded.depth().waiting).toBe(4);
    expect(bounded.reserve()).toBeNull();
  });
});
