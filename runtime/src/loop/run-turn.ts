import { emptyUsage } from "../domain/index.ts";
import type { ContentBlock, Message, RunEvent, ToolUse, Usage } from "../domain/index.ts";
import { callModel } from "./call-model.ts";
import type { ModelReply } from "./call-model.ts";
import { dispatchTools } from "./dispatch-tools.ts";
import type { NextStep } from "./next-step.ts";
import type { EventSink, LoopInput } from "./types.ts";

/** What one turn produced: the messages to append to the conversation, usage, and what comes next. */
export interface TurnResult {
  messages: Message[];
  usage: Usage;
  next: NextStep;
  /** An interactive run's turn was cancelled (TurnControl): its calls stopped, and unanswered tool calls got error results. */
  cancelled?: boolean;
}

/** One turn's inputs; `requestCompaction` is the Context tool's way to ask for a compaction. */
export interface TurnOptions {
  input: LoopInput;
  messages: readonly Message[];
  iteration: number;
  requestCompaction: () => void;
  /** The current turn of an interactive run; when it aborts the turn ends as cancelled instead of failing. */
  turnSignal?: AbortSignal | undefined;
}

/**
 * One turn: call the model with the conversation so far, stream its parts out as events, run
 * the tools it asked for, and decide the next step. Throws only for cancel and provider errors.
 */
export async function runTurn(options: TurnOptions): Promise<TurnResult> {
  const { input, iteration } = options;
  const reply = await callModelOfTurn(options);
  // A cancelled turn's model call is void: no usage closes it, so replay drops it too.
  if (reply === null) return { messages: [], usage: emptyUsage(), next: { kind: "continue" }, cancelled: true };
  input.sink.emit({ type: "usage", usage: reply.usage });
  const assistant: Message = { role: "assistant", content: reply.content };
  const cancelled = options.turnSignal?.aborted === true;
  if (reply.toolUses.length === 0 || cancelled) {
    const stopReason = reply.stopReason === "tool_use" ? "end_turn" : reply.stopReason;
    if (cancelled && reply.toolUses.length > 0) return { messages: [assistant, cancelledResults(input.sink, reply.toolUses, new Map())], usage: reply.usage, next: { kind: "continue" }, cancelled };
    return { messages: [assistant], usage: reply.usage, next: { kind: "done", stopReason }, cancelled };
  }
  await input.sink.flush();
  const tools = await toolPhase(options, reply.toolUses);
  const next: NextStep = iteration >= input.maxIterations ? { kind: "done", stopReason: "max_iterations" } : { kind: "continue" };
  return { messages: [assistant, tools.message], usage: reply.usage, next, cancelled: tools.cancelled };
}

/** The model's reply, or null when the turn was cancelled during the call. */
async function callModelOfTurn(options: TurnOptions): Promise<ModelReply | null> {
  try {
    return await callModel(options.input, options.messages);
  } catch (error) {
    if (options.turnSignal?.aborted === true) return null;
    throw error;
  }
}

type ToolResultBlock = Extract<ContentBlock, { type: "tool_result" }>;

/** The text a tool call gets as its result when its turn was cancelled before it returned. */
export const TURN_CANCELLED_RESULT = "cancelled by the user";

/**
 * Runs the turn's tool calls. When the turn is cancelled meanwhile, the calls without a result
 * get an error result ("cancelled by the user"), so every tool_use keeps its tool_result, and a
 * call that returns after that is ignored (its result would be a second one).
 */
async function toolPhase(options: TurnOptions, calls: readonly ToolUse[]): Promise<{ message: Message; cancelled: boolean }> {
  const { input, turnSignal } = options;
  if (turnSignal === undefined) return { message: await runToolCalls({ input, calls, requestCompaction: options.requestCompaction }), cancelled: false };
  const answered = new Map<string, ToolResultBlock>();
  let open = true;
  const sink: EventSink = {
    emit: (event: RunEvent) => {
      if (!open) return;
      if (event.type === "tool_result") answered.set(event.tool_use.id, { type: "tool_result", tool_use_id: event.tool_use.id, text: event.text, is_error: event.is_error });
      input.sink.emit(event);
    },
    flush: () => input.sink.flush(),
  };
  try {
    const message = await runToolCalls({ input: { ...input, sink }, calls, requestCompaction: options.requestCompaction });
    return { message, cancelled: turnSignal.aborted };
  } catch (error) {
    if (!turnSignal.aborted) throw error;
    open = false;
    return { message: cancelledResults(input.sink, calls, answered), cancelled: true };
  }
}

/** The results message of a cancelled turn: the results that came, and an error result (emitted now) for every other call. */
function cancelledResults(sink: EventSink, calls: readonly ToolUse[], answered: ReadonlyMap<string, ToolResultBlock>): Message {
  const content = calls.map((call): ToolResultBlock => {
    const result = answered.get(call.id);
    if (result !== undefined) return result;
    sink.emit({ type: "tool_result", tool_use: call, text: TURN_CANCELLED_RESULT, is_error: true });
    return { type: "tool_result", tool_use_id: call.id, text: TURN_CANCELLED_RESULT, is_error: true };
  });
  return { role: "user", content };
}

/**
 * Runs tool calls and returns the user message holding their results, in call order. Used for
 * a model's tool calls, and for the calls a resumed run left without results.
 */
export async function runToolCalls(options: { input: LoopInput; calls: readonly ToolUse[]; requestCompaction: () => void }): Promise<Message> {
  const { input, calls } = options;
  const results = await dispatchTools({
    calls,
    tools: input.tools,
    parallelism: input.limits.toolParallelism,
    sink: input.sink,
    ...(input.hooks ? { hooks: input.hooks } : {}),
    context: {
      runId: input.run.id,
      sessionId: input.run.sessionId,
      tenantId: input.run.tenantId,
      agent: input.run.agent,
      agentId: input.run.agentId,
      userId: input.run.userId,
      tools: input.tools.map((tool) => tool.name),
      signal: input.signal,
      requestCompaction: options.requestCompaction,
      emit: (event) => input.sink.emit(event),
      policy: input.toolPolicy ?? { volumes: [], allowedHosts: [], privateHosts: [] },
      ...(input.secrets ? { secrets: input.secrets } : {}),
    },
  });
  return {
    role: "user",
    content: calls.map((call, index) => ({
      type: "tool_result" as const,
      tool_use_id: call.id,
      text: results[index]?.text ?? "",
      is_error: results[index]?.is_error ?? true,
    })),
  };
}
