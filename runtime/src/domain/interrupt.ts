/**
 * Human-in-the-loop interruptions (the `Interruption` tool and the interrupts routes): a run asks
 * its user a question and waits for the answer, or leaves a one-way notification.
 */

/** `question` = an `ask` the run waits on; `notification` = a `notify`, which nobody answers. */
export const INTERRUPT_KINDS = ["question", "notification"] as const;
export type InterruptKind = (typeof INTERRUPT_KINDS)[number];

/**
 * `pending` (a question waiting), `resolved` (answered), `declined`, `expired` (no answer before
 * `expires_at`), `cancelled` (by the run, or because the run was cancelled), `delivered` (a notification).
 */
export const INTERRUPT_STATUSES = ["pending", "resolved", "declined", "expired", "cancelled", "delivered"] as const;
export type InterruptStatus = (typeof INTERRUPT_STATUSES)[number];

export const INTERRUPT_PRIORITIES = ["low", "normal", "high"] as const;
export type InterruptPriority = (typeof INTERRUPT_PRIORITIES)[number];

/** An ask waits this long for an answer unless it sets `timeout_ms`. */
export const DEFAULT_INTERRUPT_TIMEOUT_MS = 60 * 60 * 1000;
/** No ask waits longer than this: a run must not hold its worker slot for days. */
export const MAX_INTERRUPT_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** One row of the interrupts table, as the routes list it (loomcycle's InterruptRow). */
export interface Interrupt {
  interrupt_id: string;
  run_id: string;
  session_id: string;
  tenant_id: string;
  user_id: string | null;
  agent_name: string;
  agent_id: string;
  kind: InterruptKind;
  status: InterruptStatus;
  /** The question of an ask, the message of a notification. */
  question: string;
  /** The answers an ask accepts; empty = free text. */
  options: string[];
  context_data: string | null;
  priority: InterruptPriority;
  answer: string | null;
  created_at: Date;
  /** When a pending ask becomes `expired`; null for notifications. */
  expires_at: Date | null;
  resolved_at: Date | null;
  resolved_by: string | null;
}

/** The `interruption` payload of an `interruption_pending` event (loomcycle wire shape). */
export interface InterruptionPending {
  interrupt_id: string;
  kind: "question";
  question: string;
  options: string[];
  context: string | null;
  priority: InterruptPriority;
  expires_at: string;
}

/** The `interruption` payload of an `interruption_notify` event. */
export interface InterruptionNotice {
  interrupt_id: string;
  kind: "notification";
  message: string;
  priority: InterruptPriority;
}
