import { PERSISTED_ONLY, TERMINAL_STATUSES, isTerminalEvent } from "../domain/index.ts";
import type { StoredEvent } from "../domain/index.ts";
import type { RunEventBus } from "../queue/index.ts";
import type { EventLog, RunStore } from "../store/index.ts";
import { AsyncQueue } from "./async-queue.ts";

/** How often a waiting stream re-checks that its run is still going (a backstop, not the signal). */
const STATUS_POLL_MS = 5_000;

export interface StreamRunEventsOptions {
  runId: string;
  fromSeq: number;
  signal: AbortSignal;
  log: EventLog;
  store: RunStore;
  bus: RunEventBus;
}

/**
 * A run's events with seq > fromSeq: first the stored ones, then live ones, with no gap and no
 * duplicate at the seam. It subscribes before reading the store and drops live events it has
 * already yielded; a live event that skips ahead makes it re-read the store. Ends after `done`
 * or `error`, when the run has ended, or when `signal` aborts. Persisted-only events are skipped.
 */
export async function* streamRunEvents(options: StreamRunEventsOptions): AsyncGenerator<StoredEvent> {
  const live = new AsyncQueue<StoredEvent>();
  const unsubscribe = options.bus.subscribe(options.runId, (event) => live.push(event));
  const cursor = { last: options.fromSeq, ended: false };
  try {
    // A cross-process bus subscribes asynchronously: read the store only once the tail is live.
    await options.bus.ready?.(options.runId);
    yield* fromStore(options, cursor);
    while (!cursor.ended) {
      const outcome = await followLive({ live, options, last: cursor.last });
      if (outcome.kind === "yield") yield* inOrder(outcome.events, cursor);
      else if (outcome.kind === "gap") yield* fromStore(options, cursor);
      else if (outcome.kind === "ended") {
        yield* fromStore(options, cursor);
        return;
      } else return;
    }
  } finally {
    unsubscribe();
  }
}

interface Cursor {
  last: number;
  ended: boolean;
}

async function* fromStore(options: StreamRunEventsOptions, cursor: Cursor): AsyncGenerator<StoredEvent> {
  yield* inOrder(await options.log.listRunEvents(options.runId, cursor.last), cursor);
}

/** Yields events the caller has not seen, stopping after a terminal one. */
function* inOrder(events: readonly StoredEvent[], cursor: Cursor): Generator<StoredEvent> {
  for (const event of events) {
    if (cursor.ended || event.seq <= cursor.last) continue;
    cursor.last = event.seq;
    if (!PERSISTED_ONLY.has(event.event.type)) yield event;
    if (isTerminalEvent(event.event)) cursor.ended = true;
  }
}

type LiveOutcome = { kind: "aborted" } | { kind: "ended" } | { kind: "gap" } | { kind: "yield"; events: StoredEvent[] };

/** Waits for the next live event in sequence: a batch to yield, a gap to re-read, or the end. */
async function followLive(input: { live: AsyncQueue<StoredEvent>; options: StreamRunEventsOptions; last: number }): Promise<LiveOutcome> {
  const { live, options } = input;
  let last = input.last;
  const events: StoredEvent[] = [];
  while (!options.signal.aborted) {
    const event = await live.next(events.length > 0 ? 0 : STATUS_POLL_MS, options.signal);
    if (event === undefined) {
      if (events.length > 0) return { kind: "yield", events };
      if (await hasEnded(options)) return { kind: "ended" };
      continue;
    }
    if (event.seq <= last) continue;
    if (event.seq > last + 1) return events.length > 0 ? { kind: "yield", events } : { kind: "gap" };
    last = event.seq;
    events.push(event);
    if (isTerminalEvent(event.event)) return { kind: "yield", events };
  }
  return { kind: "aborted" };
}

/** True when the run is over; the stream then reads the store one last time and ends. */
async function hasEnded(options: StreamRunEventsOptions): Promise<boolean> {
  const run = await options.store.getRun(options.runId);
  return run === null || TERMINAL_STATUSES.has(run.status);
}
