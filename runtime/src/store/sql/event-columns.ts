import type { StoredEvent } from "../../domain/index.ts";

/**
 * The parameters of append_events.sql: one array per column, one element per event, so a
 * batch of any size is a single statement with six parameters.
 */
export function eventColumns(events: readonly StoredEvent[]): unknown[][] {
  return [
    events.map((stored) => stored.run_id),
    events.map((stored) => stored.seq),
    events.map((stored) => stored.session_id),
    events.map((stored) => new Date(stored.ts_ms).toISOString()),
    events.map((stored) => stored.event.type),
    events.map((stored) => JSON.stringify(stored.event)),
  ];
}
