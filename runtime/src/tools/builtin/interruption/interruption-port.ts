import type { InterruptPriority } from "../../../domain/index.ts";
import type { ToolContext } from "../../tool.ts";

/**
 * What the Interruption tool needs from the service layer. Defined here (tools may not import
 * service/) and implemented by service/InterruptService; build-tools.ts wires the two.
 */

/** An `ask`, validated: the question, the answers it accepts (empty = free text), and how long it waits. */
export interface AskInput {
  question: string;
  options: string[];
  context: string | null;
  /** null = the default timeout; longer than the cap is cut to the cap. */
  timeoutMs: number | null;
  priority: InterruptPriority;
}

/** How an ask ended, as the model will read it. */
export type AskOutcome =
  | { status: "answered"; interrupt_id: string; answer: string }
  | { status: "declined"; interrupt_id: string; answer: string | null }
  | { status: "expired"; interrupt_id: string; expires_at: string }
  | { status: "cancelled"; interrupt_id: string };

/** A call the agent may not make (gate off, too many pending, unknown id…): the text says why and how to fix it. */
export interface Refusal {
  refusal: string;
}

export interface InterruptionPort {
  /** Records the ask (once per tool call, even across a resumed run), announces it, and waits for its end or the run's signal. */
  ask(context: ToolContext, input: AskInput): Promise<AskOutcome | Refusal>;
  /** Records a one-way notification and returns at once. */
  notify(context: ToolContext, input: { message: string; priority: InterruptPriority }): Promise<{ interrupt_id: string } | Refusal>;
  /** Cancels one of this run's own pending asks. */
  cancel(context: ToolContext, interruptId: string): Promise<{ interrupt_id: string } | Refusal>;
}

/** Whether a port answer is a refusal. */
export function isRefusal(value: object): value is Refusal {
  return "refusal" in value;
}
