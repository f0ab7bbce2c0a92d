import { describe, expect, it } from "vitest";
import { silentLogger } from "../domain/index.ts";
import { InProcessControlBus } from "../queue/index.ts";
import type { CancelMark, ControlStore } from "../store/index.ts";
import { RunControl } from "./run-control.ts";

/** A ControlStore whose marks the test sets: `requestCancel` answers them, `unfinished` answers `stillRunning`. */
function fakeStore(marks: CancelMark[], stillRunning: string[] = marks.map((mark) => mark.id)): ControlStore & { requested: string[] } {
  return {
    requested: [],
    requestCancel(runId) {
      this.requested.push(runId);
      return Promise.resolve(marks);
    },
    cancelRequested: (ownerId) => Promise.resolve(marks.filter((mark) => mark.owner_id === ownerId).map((mark) => mark.id)),
    unfinished: (runIds) => Promise.resolve(runIds.filter((id) => stillRunning.includes(id))),
  };
}

const running = (id: string, owner: string): CancelMark => ({ id, agent_id: `agent-${id}`, status: "running", owner_id: owner });

/** Two "processes" on one in-process backplane, each with its own live map. */
function twoProcesses(marks: CancelMark[], options: { stillRunning?: string[]; ackTimeoutMs?: number } = {}): {
  a: { control: RunControl; live: Map<string, AbortController> };
  b: { control: RunControl; live: Map<string, AbortController> };
} {
  const busA = new InProcessControlBus("proc-a");
  const busB = busA.link("proc-b");
  const store = fakeStore(marks, options.stillRunning);
  const make = (bus: InProcessControlBus): { control: RunControl; live: Map<string, AbortController> } => {
    const live = new Map<string, AbortController>();
    return { live, control: new RunControl({ store, bus, live, ownerId: bus.origin, logger: silentLogger, ackTimeoutMs: options.ackTimeoutMs ?? 200 }) };
  };
  return { a: make(busA), b: make(busB) };
}

describe("RunControl: cancel with acknowledgement across processes", () => {
  it("aborts a run executing on the other process, which acknowledges at once", async () => {
    const { a, b } = twoProcesses([running("r1", "proc-a")], { ackTimeoutMs: 5_000 });
    const controller = new AbortController();
    a.live.set("r1", controller);
    const started = Date.now();
    const outcome = await b.control.cancel("r1", "why");
    expect(outcome.acknowledged).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(controller.signal.aborted).toBe(true);
    expect((controller.signal.reason as Error).message).toBe("cancelled by API");
  });

  it("aborts a run executing in the same process without a message", async () => {
    const { b } = twoProcesses([running("r1", "proc-b")]);
    const controller = new AbortController();
    b.live.set("r1", controller);
    expect(await b.control.cancel("r1", null)).toMatchObject({ acknowledged: true });
    expect(controller.signal.aborted).toBe(true);
  });

  it("needs no acknowledgement for a queued run: the claim sees the request", async () => {
    const { b } = twoProcesses([{ id: "q1", agent_id: "agent-q1", status: "queued", owner_id: null }]);
    expect(await b.control.cancel("q1", null)).toMatchObject({ acknowledged: true, marks: [{ id: "q1" }] });
  });

  it("answers unacknowledged after the timeout when the owner never answers (a dead or disconnected process)", async () => {
    const { b } = twoProcesses([running("r1", "proc-gone")], { ackTimeoutMs: 150 });
    const started = Date.now();
    expect(await b.control.cancel("r1", null)).toMatchObject({ acknowledged: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("counts a run that finished before the timeout as acknowledged even without an answer", async () => {
    const { b } = twoProcesses([running("r1", "proc-gone")], { stillRunning: [], ackTimeoutMs: 50 });
    expect(await b.control.cancel("r1", null)).toMatchObject({ acknowledged: true });
  });

  it("resync aborts the live runs that carry a cancel request this process missed", async () => {
    const { a } = twoProcesses([running("r1", "proc-a"), running("r2", "proc-other")]);
    const r1 = new AbortController();
    const mine = new AbortController();
    a.live.set("r1", r1);
    a.live.set("r3", mine);
    expect(await a.control.resync()).toEqual(["r1"]);
    expect(r1.signal.aborted).toBe(true);
    expect(mine.signal.aborted).toBe(false);
    // Already aborted: a second resync does nothing more.
    expect(await a.control.resync()).toEqual([]);
  });

  it("works alone (embedded, no bus): local runs abort, a foreign owner is unacknowledged", async () => {
    const live = new Map([["r1", new AbortController()]]);
    const control = new RunControl({ store: fakeStore([running("r1", "me"), running("r2", "other")]), live, ownerId: "me", logger: silentLogger });
    expect(await control.cancel("r1", null)).toMatchObject({ acknowledged: false });
    expect(live.get("r1")?.signal.aborted).toBe(true);
  });
});
