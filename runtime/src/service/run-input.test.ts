import { describe, expect, it } from "vitest";
import type { RunInputRecord, RunInputStore } from "../store/index.ts";
import { LiveRunInput } from "./run-input.ts";

/** An in-memory RunInputStore for one run. */
function memoryInputs(texts: string[]): RunInputStore & { rows: (RunInputRecord & { consumed: boolean })[]; reads: number } {
  const store = {
    reads: 0,
    rows: texts.map((text, index) => ({ id: String(index + 1), run_id: "run_1", text, source: "api", created_at: new Date(0), consumed: false })),
    add: async (): Promise<RunInputRecord | null> => null,
    pending: async (): Promise<RunInputRecord[]> => {
      store.reads++;
      return store.rows.filter((row) => !row.consumed);
    },
    consume: async (ids: readonly string[]): Promise<void> => {
      for (const row of store.rows) if (ids.includes(row.id)) row.consumed = true;
    },
  };
  return store;
}

describe("LiveRunInput", () => {
  it("skips (and marks consumed) an input whose event is in the transcript already: taken once across a crash", async () => {
    const store = memoryInputs(["before the crash", "after"]);
    const live = new LiveRunInput({ runId: "run_1", store, seen: new Set(["1"]) });
    expect(await live.take()).toEqual([{ id: "2", text: "after", source: "api" }]);
    expect(store.rows.map((row) => row.consumed)).toEqual([true, false]);
    await live.consumed(["2"]);
    expect(store.rows.every((row) => row.consumed)).toBe(true);
  });

  it("reads the store when the run starts and then only when new input is announced", async () => {
    const store = memoryInputs([]);
    const live = new LiveRunInput({ runId: "run_1", store, seen: new Set() });
    expect(await live.take()).toEqual([]);
    expect(await live.take()).toEqual([]);
    expect(store.reads).toBe(1);
    store.rows.push({ id: "3", run_id: "run_1", text: "new", source: "webui", created_at: new Date(0), consumed: false });
    live.announce();
    expect(await live.take()).toEqual([{ id: "3", text: "new", source: "webui" }]);
    expect(store.reads).toBe(2);
  });

  it("cancels only a turn in progress, once, with its reason", () => {
    const live = new LiveRunInput({ runId: "run_1", store: memoryInputs([]), seen: new Set() });
    expect(live.cancelTurn("early")).toBe(false);
    const signal = live.start();
    expect(live.cancelTurn("stop")).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(live.reason()).toBe("stop");
    expect(live.cancelTurn("again")).toBe(false);
    live.end();
    expect(live.cancelTurn("after")).toBe(false);
  });
});
