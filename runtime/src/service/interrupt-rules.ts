import { createHash } from "node:crypto";
import { AppError, DEFAULT_INTERRUPT_TIMEOUT_MS, MAX_INTERRUPT_TIMEOUT_MS } from "../domain/index.ts";
import type { Agent, Interrupt } from "../domain/index.ts";
import type { AskOutcome } from "../tools/index.ts";

/** Pure rules of interruptions: ids, gates, deadlines, and what an answer must satisfy. */

/**
 * The interrupt id of a tool call: derived from the run and the model's tool_use id, so a resumed
 * run that re-executes the call finds the interruption it already made instead of asking twice.
 */
export function interruptIdFor(runId: string, callId: string): string {
  return `int_${createHash("sha256").update(`${runId}\n${callId}`).digest("hex").slice(0, 32)}`;
}

/** The agent's interruption grant, or why it has none and how to give it one. */
export function interruptionGate(agent: Agent): { max_pending: number } | string {
  if (agent.interruption?.enabled === true) return { max_pending: agent.interruption.max_pending };
  return `agent "${agent.name}" may not interrupt a human: set \`interruption: {enabled: true}\` in its definition (max_pending caps the open questions per run)`;
}

/** When an ask made now expires: its timeout (default 1 h), never more than 24 h. */
export function askDeadline(timeoutMs: number | null, now = Date.now()): Date {
  return new Date(now + Math.min(timeoutMs ?? DEFAULT_INTERRUPT_TIMEOUT_MS, MAX_INTERRUPT_TIMEOUT_MS));
}

/** How a finished ask reads to the model; a row still pending (or a notification) is a broken invariant. */
export function askOutcome(row: Interrupt): AskOutcome {
  const id = row.interrupt_id;
  switch (row.status) {
    case "resolved":
      return { status: "answered", interrupt_id: id, answer: row.answer ?? "" };
    case "declined":
      return { status: "declined", interrupt_id: id, answer: row.answer };
    case "expired":
      return { status: "expired", interrupt_id: id, expires_at: (row.expires_at ?? row.resolved_at ?? new Date()).toISOString() };
    case "cancelled":
      return { status: "cancelled", interrupt_id: id };
    default:
      throw new AppError("INTERNAL", `interrupt ${id} ended with status ${row.status}`);
  }
}

/** Why a resolve of this row cannot happen (404/409/410), or null when it is a pending, live ask of the run. */
export function resolveConflict(row: Interrupt | null, input: { runId: string; interruptId: string }): AppError | null {
  if (row === null || row.run_id !== input.runId) {
    return new AppError("NOT_FOUND", `interrupt ${input.interruptId} not found in run ${input.runId}`, { details: { field: "interrupt_id" } });
  }
  if (row.status === "expired") {
    return new AppError("INTERRUPT_EXPIRED", `interrupt ${row.interrupt_id} expired at ${row.expires_at?.toISOString()}; the run went on without an answer`);
  }
  if (row.kind !== "question") return new AppError("INTERRUPT_NOT_PENDING", `interrupt ${row.interrupt_id} is a notification; only questions take an answer`);
  if (row.status !== "pending") {
    return new AppError("INTERRUPT_NOT_PENDING", `interrupt ${row.interrupt_id} is already ${row.status}${row.resolved_by ? ` (by ${row.resolved_by})` : ""}`);
  }
  return null;
}

/** Answering (not declining) needs a non-empty answer: 400 naming `answer` otherwise. */
export function requireAnswer(answer: string | undefined): void {
  if (answer !== undefined && answer !== "") return;
  throw new AppError("INVALID_ARGUMENT", 'answer: required to answer a question (send disposition "declined" to refuse it)', { details: { field: "answer" } });
}

/** An answer must be one of the question's options when it has any (422 otherwise). */
export function checkAnswer(row: Interrupt, answer: string): void {
  if (row.options.length === 0 || row.options.includes(answer)) return;
  throw new AppError("ANSWER_NOT_IN_OPTIONS", `answer "${answer}" is not one of the options: ${row.options.map((option) => `"${option}"`).join(", ")}`, {
    details: { field: "answer", options: row.options },
  });
}
