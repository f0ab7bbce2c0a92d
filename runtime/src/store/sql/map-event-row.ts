import { z } from "zod";
import { AppError } from "../../domain/index.ts";
import type { RunEvent, RunEventType, StoredEvent } from "../../domain/index.ts";

/** An `events` row as the list queries select it. */
export interface EventRow {
  run_id: string;
  session_id: string;
  seq: number;
  ts: Date;
  payload: unknown;
}

/** Every RunEvent type; the Record makes the compiler refuse a type the domain union gains and this list lacks. */
const EVENT_TYPE_SET: Record<RunEventType, true> = {
  user_input: true,
  system_prompt: true,
  started: true,
  text: true,
  thinking: true,
  tool_call: true,
  tool_result: true,
  usage: true,
  retry: true,
  provider_fallback: true,
  cache_invalidated: true,
  reasoning_invalidated: true,
  model_downgraded: true,
  context_compaction: true,
  channel_publish: true,
  channel_delivery: true,
  interruption_pending: true,
  interruption_notify: true,
  limit: true,
  awaiting_input: true,
  turn_cancelled: true,
  done: true,
  error: true,
};
const RUN_EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as [RunEventType, ...RunEventType[]];

/** A light check: the payload is an object with a known `type`; we wrote the rest ourselves. */
const Payload = z.looseObject({ type: z.enum(RUN_EVENT_TYPES) });

/** Turns an `events` row into a StoredEvent, checking the payload JSON at this trust boundary. */
export function mapEventRow(row: EventRow): StoredEvent {
  const parsed = Payload.safeParse(row.payload);
  if (!parsed.success) {
    throw new AppError("INTERNAL", `event ${row.run_id}#${row.seq} has a payload that is not a RunEvent`, {
      cause: parsed.error,
    });
  }
  return {
    run_id: row.run_id,
    session_id: row.session_id,
    seq: Number(row.seq),
    ts_ms: row.ts.getTime(),
    event: parsed.data as RunEvent,
  };
}
