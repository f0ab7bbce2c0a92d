import type { Interrupt, InterruptStatus } from "../domain/index.ts";

/** An interruption to record; the store stamps `created_at`, and it has no answer yet. */
export type NewInterrupt = Omit<Interrupt, "created_at" | "answer" | "resolved_at" | "resolved_by">;

/** How a pending ask ends through `settle`. */
export interface InterruptSettlement {
  status: Extract<InterruptStatus, "resolved" | "declined" | "cancelled">;
  answer: string | null;
  resolvedBy: string | null;
}

/** Which interruptions a list returns; `statuses` absent = any. */
export interface InterruptFilter {
  statuses?: readonly InterruptStatus[];
  limit: number;
}

/**
 * The storage port of interruptions (`Store.interrupts`). Reads report the status as of now: a
 * pending ask past its `expires_at` reads `expired` before anything marks it.
 */
export interface InterruptStore {
  /** Inserts the row; returns null when one with this id exists (nothing is changed then). */
  insert(interrupt: NewInterrupt): Promise<Interrupt | null>;
  get(interruptId: string): Promise<Interrupt | null>;
  /** How many of the run's asks are pending now. */
  countPending(runId: string): Promise<number>;
  listForRun(runId: string, filter: InterruptFilter): Promise<{ interrupts: Interrupt[]; total: number }>;
  /** A user's inbox within one tenant. */
  listForUser(tenantId: string, userId: string, filter: InterruptFilter): Promise<{ interrupts: Interrupt[]; total: number }>;
  /** Ends a pending, unexpired ask; null when it is not (someone else settled it, or it expired). */
  settle(interruptId: string, settlement: InterruptSettlement): Promise<Interrupt | null>;
  /** Marks a pending ask past its deadline `expired`; null when it is not one. */
  expire(interruptId: string): Promise<Interrupt | null>;
}
