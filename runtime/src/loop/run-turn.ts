import type { Message, ToolUse, Usage } from "../domain/index.ts";
import { callModel } from "./call-model.ts";
import { dispatchTools } from "./dispatch-tools.ts";
import type { NextStep } from "./next-step.ts";
import type { LoopInput } from "./types.ts";

/** What one turn produced: the messages to append to the conversation, usage, and what comes next. */
export interface TurnResult {
  messages: Message[];
  usage: Usage;
  next: NextStep;
}

/** One turn's inputs; `requestCompaction` is the Context tool's way to ask for a compaction. */
export interface TurnOptions {
  input: LoopInput;
  messages: readonly Message[];
  iteration: number;
  requestCompaction: () => void;
}

/**
 * One turn: call the model with the conversation so far, stream its parts out as events, run
 * the tools it asked for, and decide the next step. Throws only for cancel and provider errors.
 */
export async function runTurn(options: TurnOptions): Promise<TurnResult> {
  const { input, messages, iteration } = options;
  const reply = await callModel(input, messages);
  input.sink.emit({ type: "usage", usage: reply.usage });
  const assistant: Message = { role: "assistant", content: reply.content };
  if (reply.toolUses.length === 0) {
    const stopReason = reply.stopReason === "tool_use" ? "end_turn" : reply.stopReason;
    return { messages: [assistant], usage: reply.usage, next: { kind: "done", stopReason } };
  }
  await input.sink.flush();
  const resultMessage = await runToolCalls({ input, calls: reply.toolUses, requestCompaction: options.requestCompaction });
  const next: NextStep = iteration >= input.maxIterations ? { kind: "done", stopReason: "max_iterations" } : { kind: "continue" };
  return { messages: [assistant, resultMessage], usage: reply.usage, next };
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
