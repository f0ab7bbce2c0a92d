import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { parseInterruptionInput } from "./interruption-input.ts";
import type { InterruptionCall } from "./interruption-input.ts";
import { isRefusal } from "./interruption-port.ts";
import type { AskOutcome, InterruptionPort } from "./interruption-port.ts";

const DESCRIPTION =
  "Ask the run's human a question and wait for the answer (op=ask), leave them a message (op=notify), or withdraw " +
  "one of your pending questions (op=cancel). An ask blocks until it is answered, declined or expires (timeout_ms, " +
  "default 1 h, at most 24 h); with `options` the answer is one of them. Only for agents with interruption.enabled.";

const INPUT_SCHEMA: Record<string, unknown> = {
  type: "object",
  properties: {
    op: { type: "string", enum: ["ask", "notify", "cancel"] },
    question: { type: "string", description: "op=ask: what to ask." },
    options: { type: "array", items: { type: "string" }, description: "op=ask: the answers to choose from; omit for free text." },
    context: { description: "op=ask: background the person needs to answer (text or JSON)." },
    timeout_ms: { type: "integer", minimum: 1, description: "op=ask: how long to wait (default 3600000, at most 86400000)." },
    priority: { type: "string", enum: ["low", "normal", "high"], description: "op=ask|notify (default normal)." },
    message: { type: "string", description: "op=notify: the message." },
    interruption_id: { type: "string", description: "op=cancel: the interrupt_id of your pending ask." },
  },
  required: ["op"],
  additionalProperties: false,
};

function reply(body: Record<string, unknown>, isError = false): ToolResult {
  return { text: JSON.stringify(body), is_error: isError };
}

function refuse(text: string): ToolResult {
  return { text: `Interruption: ${text}`, is_error: true };
}

/** The model's view of how an ask ended; expiry is an error so the model does not take silence for consent. */
function askResult(outcome: AskOutcome): ToolResult {
  if (outcome.status !== "expired") return reply({ ...outcome });
  const error = `nobody answered before ${outcome.expires_at}; go on without the answer, or ask again`;
  return reply({ ...outcome, error }, true);
}

async function dispatch(port: InterruptionPort, call: InterruptionCall, context: ToolContext): Promise<ToolResult> {
  if (call.op === "ask") {
    const outcome = await port.ask(context, call.ask);
    return isRefusal(outcome) ? refuse(outcome.refusal) : askResult(outcome);
  }
  if (call.op === "notify") {
    const notified = await port.notify(context, { message: call.message, priority: call.priority });
    return isRefusal(notified) ? refuse(notified.refusal) : reply({ status: "delivered", interrupt_id: notified.interrupt_id });
  }
  const cancelled = await port.cancel(context, call.interruptId);
  return isRefusal(cancelled) ? refuse(cancelled.refusal) : reply({ status: "cancelled", interrupt_id: cancelled.interrupt_id });
}

/** The `Interruption` tool over the service's port. Failures are results; a run's cancel propagates. */
export function createInterruptionTool(port: InterruptionPort): Tool {
  return {
    name: "Interruption",
    // The interruption id derives from run_id and call_id: a re-run finds the same interruption (and its answer).
    idempotent: true,
    description: DESCRIPTION,
    inputSchema: INPUT_SCHEMA,
    async execute(input, context) {
      const call = parseInterruptionInput(input);
      if ("error" in call) return refuse(call.error);
      try {
        return await dispatch(port, call, context);
      } catch (error) {
        if (context.signal.aborted) throw error;
        return refuse(`failed: ${(error as Error).message}`);
      }
    },
  };
}
