import { SpanStatusCode, trace } from "@opentelemetry/api";
import { AppError, addUsage, emptyUsage, isAppError } from "../domain/index.ts";
import type { RunOutcome, Usage } from "../domain/index.ts";
import { compactIfDue } from "./auto-compact.ts";
import type { CompactionState } from "./auto-compact.ts";
import type { NextStep } from "./next-step.ts";
import { runToolCalls, runTurn } from "./run-turn.ts";
import type { LoopInput } from "./types.ts";

const tracer = trace.getTracer("loomcycle");

/**
 * The agent loop: model → tool_use → tool_result until the model ends its turn, the iteration
 * cap is reached, the run is cancelled or a call fails. Emits `started` first and `done` or
 * `error` last, flushes the sink, and returns the outcome to record on the run.
 */
export async function runLoop(input: LoopInput): Promise<RunOutcome> {
  const attributes = { "loomcycle.run_id": input.run.id, "loomcycle.agent_id": input.run.agentId, "loomcycle.agent_name": input.run.agent };
  return tracer.startActiveSpan("loomcycle.run", { attributes }, async (span) => {
    try {
      if (input.resume === undefined) input.sink.emit({ type: "started" });
      const outcome = await iterate(input);
      span.setAttribute("loomcycle.stop_reason", outcome.stop_reason ?? outcome.status);
      if (outcome.status === "failed") span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error ?? "" });
      return outcome;
    } finally {
      await input.sink.flush();
      span.end();
    }
  });
}

async function iterate(input: LoopInput): Promise<RunOutcome> {
  const state: CompactionState = { messages: [...input.history], lastUsage: null, requested: false };
  const requestCompaction = (): void => {
    state.requested = true;
  };
  let usage = emptyUsage();
  let next: NextStep = { kind: "continue" };
  if (input.resume !== undefined && input.resume.pendingToolCalls.length > 0) {
    next = await finishPendingTools(input, state, requestCompaction);
  }
  for (let iteration = input.iterationsDone + 1; next.kind === "continue"; iteration++) {
    try {
      const turn = await tracer.startActiveSpan("loomcycle.iteration", { attributes: { "loomcycle.iteration": iteration } }, async (span) => {
        try {
          await compactIfDue(input, state);
          return await runTurn({ input, messages: state.messages, iteration, requestCompaction });
        } finally {
          span.end();
        }
      });
      state.messages.push(...turn.messages);
      state.lastUsage = turn.usage;
      usage = addUsage(usage, turn.usage);
      next = turn.next;
    } catch (error) {
      next = { kind: "failed", error: error as Error };
    }
  }
  return finish(input, next, usage);
}

/**
 * A resumed run whose process stopped while its tools ran: run the calls that have no stored
 * result (at-least-once), and merge their results into the history before the next model call.
 */
async function finishPendingTools(input: LoopInput, state: CompactionState, requestCompaction: () => void): Promise<NextStep> {
  try {
    const calls = input.resume?.pendingToolCalls ?? [];
    const results = await runToolCalls({ input, calls, requestCompaction });
    const last = state.messages.at(-1);
    if (last?.role === "user" && last.content.every((block) => block.type === "tool_result")) last.content = [...last.content, ...results.content];
    else state.messages.push(results);
    return { kind: "continue" };
  } catch (error) {
    return { kind: "failed", error: error as Error };
  }
}

function finish(input: LoopInput, next: Exclude<NextStep, { kind: "continue" }>, usage: Usage): RunOutcome {
  if (input.signal.aborted) {
    input.sink.emit({ type: "done", stop_reason: "cancelled", usage });
    return { status: "cancelled", stop_reason: "cancelled", error: null, usage };
  }
  if (next.kind === "done") {
    input.sink.emit({ type: "done", stop_reason: next.stopReason, usage });
    return { status: "completed", stop_reason: next.stopReason, error: null, usage };
  }
  const error = isAppError(next.error) ? next.error : new AppError("INTERNAL", next.error.message, { cause: next.error });
  input.sink.emit({ type: "error", error: error.message, code: error.code.toLowerCase() });
  return { status: "failed", stop_reason: null, error: error.message, usage };
}
