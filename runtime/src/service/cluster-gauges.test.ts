import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunGauges, StatsStore } from "../store/index.ts";
import { ClusterGauges } from "./cluster-gauges.ts";

const GAUGES: RunGauges = { queued: 3, running: 2, awaiting_input: 1, paused: 0, oldest_heartbeat_age_seconds: 4.5 };

/** A StatsStore that counts its reads and answers `next` (a promise the test may hold back). */
function fakeStats(): StatsStore & { reads: number; next: () => Promise<RunGauges> } {
  return {
    reads: 0,
    next: () => Promise.resolve(GAUGES),
    runGauges() {
      this.reads++;
      return this.next();
    },
  };
}

function gauges(stats: StatsStore): ClusterGauges {
  return new ClusterGauges({ stats, queueDepth: () => Promise.resolve({ waiting: 5, active: 1, delayed: 0 }), liveRuns: () => 2 });
}

describe("ClusterGauges", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("answers run counts and lease age from one query shared by concurrent scrapes, re-read after a second", async () => {
    const stats = fakeStats();
    const signals = gauges(stats);
    const [counts, age] = await Promise.all([signals.runCounts(), signals.leaseAgeSeconds()]);
    expect(counts).toEqual({ queued: 3, running: 2, awaiting_input: 1, paused: 0 });
    expect(age).toBe(4.5);
    expect(stats.reads).toBe(1);
    await signals.runCounts();
    expect(stats.reads).toBe(1);
    vi.advanceTimersByTime(1_001);
    await signals.runCounts();
    expect(stats.reads).toBe(2);
    expect(await signals.queueDepth()).toEqual({ waiting: 5, active: 1, delayed: 0 });
    expect(signals.liveRuns()).toBe(2);
  });

  it("answers the last known values when the store does not answer within half a second, and asks again once a hung query is given up", async () => {
    const stats = fakeStats();
    const signals = gauges(stats);
    await signals.runCounts();
    vi.advanceTimersByTime(1_001);
    stats.next = () => new Promise(() => undefined);
    const scrape = signals.leaseAgeSeconds();
    await vi.advanceTimersByTimeAsync(500);
    expect(await scrape).toBe(4.5);
    expect(stats.reads).toBe(2);
    // Later scrapes wait on the same hung query, until it is given up after 30 s.
    const again = signals.leaseAgeSeconds();
    await vi.advanceTimersByTimeAsync(500);
    expect(await again).toBe(4.5);
    expect(stats.reads).toBe(2);
    vi.advanceTimersByTime(30_000);
    stats.next = () => Promise.resolve({ ...GAUGES, oldest_heartbeat_age_seconds: 1 });
    expect(await signals.leaseAgeSeconds()).toBe(1);
    expect(stats.reads).toBe(3);
  });

  it("keeps the last known values when the store fails", async () => {
    const stats = fakeStats();
    const signals = gauges(stats);
    await signals.runCounts();
    stats.next = () => Promise.reject(new Error("store down"));
    vi.advanceTimersByTime(1_001);
    expect(await signals.runCounts()).toEqual({ queued: 3, running: 2, awaiting_input: 1, paused: 0 });
    expect(stats.reads).toBe(2);
  });
});
