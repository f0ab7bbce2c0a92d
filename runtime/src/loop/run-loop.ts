import { SpanStatusCode, trace } from "@opentelemetry/api";
import { AppError, addUsage, emptyUsage, isAppError } from "../domain/index.ts";
import type { RunOutcome, RunParked, Usage } from "../domain/index.ts";
import { compactIfDue } from "./auto-compact.ts";
import type { CompactionState } from "./auto-compact.ts";
import type { NextStep } from "./next-step.ts";
import { runTurn } from "./run-turn.ts";
import { runPendingToolCalls } from "./pending-tools.ts";
import type { LoopInput } from "./types.ts";
import { UserTurns } from "./user-turns.ts";

const tracer = trace.getTracer("loomcycle");

/**
 * The agent loop: model → tool_use → tool_result until the model ends its turn, the iteration
 * cap is reached, the run is cancelled or a call fails. Steered input is taken at the top of
 * every iteration; an interactive run waits for input (parks at `awaiting_input`) at the end of
 * each turn instead of finishing. Emits `started` first and `done` or
 * `error` last, flushes the sink, and returns the outcome to record on the run. A run asked to
 * park (LoopInput.park) stops at an iteration boundary, or at once when forced, and returns
 * where it parks instead, with no terminal event: it resumes later from its transcript.
 */
export async function runLoop(input: LoopInput): Promise<RunOutcome | RunParked> {
  const attributes = { "loomcycle.run_id": input.run.id, "loomcycle.agent_id": input.run.agentId, "loomcycle.agent_name": input.run.agent };
  return tracer.startActiveSpan("loomcycle.run", { attributes }, async (span) => {
    try {
      if (input.resume === undefined) input.sink.emit({ type: "started" });
      const outcome = await iterate(input);
      span.setAttribute("loomcycle.stop_reason", outcome.status === "parked" ? `parked:${outcome.target}` : (outcome.stop_reason ?? outcome.status));
      if (outcome.status === "failed") span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error ?? "" });
      return outcome;
    } finally {
      await input.sink.flush();
      span.end();
    }
  });
}

async function iterate(original: LoopInput): Promise<RunOutcome | RunParked> {
  // Model and tool calls stop on a cancel or on a forced park; finish() tells the two apart.
  const input = original.park === undefined ? original : { ...original, signal: AbortSignal.any([original.signal, original.park.signal]) };
  const state: CompactionState = { messages: [...input.history], lastUsage: null, requested: false };
  const requestCompaction = (): void => {
    state.requested = true;
  };
  // Steered input and, for an interactive run, its user turns (awaiting_input, turn-cancel).
  const turns = new UserTurns(input, state);
  let usage = input.usageSoFar ?? emptyUsage();
  let next = await firstStep(input, state, requestCompaction);
  for (let iteration = input.iterationsDone + 1; next.kind === "continue"; iteration++) {
    next = parkStep(input) ?? next;
    if (next.kind !== "continue") break;
    try {
      next = (await turns.boundary(iteration - 1)) ?? next;
      if (next.kind !== "continue") break;
      const turn = await tracer.startActiveSpan("loomcycle.iteration", { attributes: { "loomcycle.iteration": iteration } }, async (span) => {
        try {
          await compactIfDue(input, state);
          const options = { input: turns.turnInput(), messages: state.messages, iteration: turns.nextIteration(iteration), requestCompaction };
          return await runTurn({ ...options, turnSignal: turns.turnSignal });
        } finally {
          span.end();
        }
      });
      state.messages.push(...turn.messages);
      state.lastUsage = turn.usage;
      usage = addUsage(usage, turn.usage);
      next = await turns.after(turn, iteration);
    } catch (error) {
      next = { kind: "failed", error: error as Error };
    }
  }
  turns.close();
  return finish(original, next, usage);
}

/** Before the first turn: park if asked to already, else finish the tool calls a resumed run left without results. */
async function firstStep(input: LoopInput, state: CompactionState, requestCompaction: () => void): Promise<NextStep> {
  const parked = parkStep(input);
  if (parked !== null) return parked;
  if (input.resume === undefined || input.resume.pendingToolCalls.length === 0) return { kind: "continue" };
  return finishPendingTools(input, state, requestCompaction);
}

/** The park step when the run was asked to park (checked at iteration boundaries), else null. */
function parkStep(input: LoopInput): NextStep | null {
  const target = input.park?.target() ?? null;
  return target === null ? null : { kind: "parked", target };
}

/**
 * A resumed run whose process stopped while its tools ran: the calls that have no stored result
 * re-run when their tool is idempotent, else get an `interrupted` error result (pending-tools.ts);
 * their results merge into the history before the next model call.
 */
async function finishPendingTools(input: LoopInput, state: CompactionState, requestCompaction: () => void): Promise<NextStep> {
  try {
    const calls = input.resume?.pendingToolCalls ?? [];
    const results = await runPendingToolCalls({ input, calls, requestCompaction });
    const last = state.messages.at(-1);
    if (last?.role === "user" && last.content.every((block) => block.type === "tool_result")) last.content = [...last.content, ...results.content];
    else state.messages.push(results);
    return { kind: "continue" };
  } catch (error) {
    return { kind: "failed", error: error as Error };
  }
}

function finish(input: LoopInput, next: NextStep, usage: Usage): RunOutcome | RunParked {
  if (input.signal.aborted) {
    input.sink.emit({ type: "done", stop_reason: "cancelled", usage });
    return { status: "cancelled", stop_reason: "cancelled", error: null, usage };
  }
  // A forced park aborted the calls in flight: whatever they failed with, the run parks.
  if (input.park?.signal.aborted === true) return { status: "parked", target: input.park.target() ?? "queued", usage };
  if (next.kind === "parked") return { status: "parked", target: next.target, usage };
  if (next.kind === "continue") throw new Error("the loop finished while it should continue");
  if (next.kind === "done") {
    input.sink.emit({ type: "done", stop_reason: next.stopReason, usage });
    return { status: "completed", stop_reason: next.stopReason, error: null, usage };
  }
  const error = isAppError(next.error) ? next.error : new AppError("INTERNAL", next.error.message, { cause: next.error });
  input.sink.emit({ type: "error", error: error.message, code: error.code.toLowerCase() });
  return { status: "failed", stop_reason: null, error: error.message, usage };
}
