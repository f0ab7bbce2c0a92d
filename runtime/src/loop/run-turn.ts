import { SpanStatusCode, trace } from "@opentelemetry/api";
import { emptyUsage } from "../domain/index.ts";
import type { ContentBlock, Message, ToolUse, Usage } from "../domain/index.ts";
import type { ModelStreamPart } from "../providers/index.ts";
import { dispatchTools } from "./dispatch-tools.ts";
import { appendDelta } from "./append-delta.ts";
import type { NextStep } from "./next-step.ts";
import { streamWithTimeouts } from "./stream-with-timeouts.ts";
import type { LoopInput } from "./types.ts";

/** What one turn produced: the messages to append to the conversation, usage, and what comes next. */
export interface TurnResult {
  messages: Message[];
  usage: Usage;
  next: NextStep;
}

const tracer = trace.getTracer("loomcycle");

/**
 * One turn: call the model with the conversation so far, stream its parts out as events, run
 * the tools it asked for, and decide the next step. Throws only for cancel and provider errors.
 */
export async function runTurn(input: LoopInput, messages: readonly Message[], iteration: number): Promise<TurnResult> {
  const reply = await callModel(input, messages);
  input.sink.emit({ type: "usage", usage: reply.usage });
  const assistant: Message = { role: "assistant", content: reply.content };
  if (reply.toolUses.length === 0) {
    const stopReason = reply.stopReason === "tool_use" ? "end_turn" : reply.stopReason;
    return { messages: [assistant], usage: reply.usage, next: { kind: "done", stopReason } };
  }
  await input.sink.flush();
  const results = await dispatchTools({
    calls: reply.toolUses,
    tools: input.tools,
    parallelism: input.limits.toolParallelism,
    sink: input.sink,
    context: {
      runId: input.run.id,
      sessionId: input.run.sessionId,
      agent: input.run.agent,
      agentId: input.run.agentId,
      userId: input.run.userId,
      tools: input.tools.map((tool) => tool.name),
      signal: input.signal,
    },
  });
  const resultMessage: Message = {
    role: "user",
    content: reply.toolUses.map((call, index) => ({
      type: "tool_result" as const,
      tool_use_id: call.id,
      text: results[index]?.text ?? "",
      is_error: results[index]?.is_error ?? true,
    })),
  };
  const next: NextStep = iteration >= input.maxIterations ? { kind: "done", stopReason: "max_iterations" } : { kind: "continue" };
  return { messages: [assistant, resultMessage], usage: reply.usage, next };
}

interface ModelReply {
  content: ContentBlock[];
  toolUses: ToolUse[];
  usage: Usage;
  stopReason: Extract<ModelStreamPart, { type: "finish" }>["stopReason"];
}

async function callModel(input: LoopInput, messages: readonly Message[]): Promise<ModelReply> {
  const attributes = { "loomcycle.provider": input.model.provider, "loomcycle.model": input.model.modelId };
  return tracer.startActiveSpan("loomcycle.provider.call", { attributes }, async (span) => {
    try {
      const reply = await collectReply(input, messages);
      span.setAttributes({
        "loomcycle.input_tokens": reply.usage.input_tokens,
        "loomcycle.output_tokens": reply.usage.output_tokens,
        "loomcycle.stop_reason": reply.stopReason,
      });
      return reply;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

async function collectReply(input: LoopInput, messages: readonly Message[]): Promise<ModelReply> {
  const controller = new AbortController();
  const unlink = linkAbort(input.signal, controller);
  const reply: ModelReply = { content: [], toolUses: [], usage: emptyUsage(), stopReason: "end_turn" };
  try {
    const request = { system: input.system, messages, tools: toolDefinitions(input), maxTokens: input.maxTokens, metadata: input.metadata };
    const parts = input.model.stream(request, { signal: controller.signal });
    const timeouts = { headerMs: input.limits.headerTimeoutMs, idleMs: input.limits.idleTimeoutMs, controller };
    for await (const part of streamWithTimeouts(parts, timeouts)) applyPart(reply, part, input);
    return reply;
  } finally {
    unlink();
  }
}

function applyPart(reply: ModelReply, part: ModelStreamPart, input: LoopInput): void {
  switch (part.type) {
    case "text-delta":
      appendDelta(reply.content, "text", part.text);
      input.sink.emit({ type: "text", text: part.text });
      return;
    case "thinking-delta":
      appendDelta(reply.content, "thinking", part.text);
      input.sink.emit({ type: "thinking", text: part.text, ...(part.signature ? { signature: part.signature } : {}) });
      return;
    case "tool-call": {
      const toolUse = { id: part.id, name: part.name, input: part.input };
      reply.content.push({ type: "tool_use", ...toolUse });
      reply.toolUses.push(toolUse);
      input.sink.emit({ type: "tool_call", tool_use: toolUse });
      return;
    }
    case "finish":
      reply.usage = part.usage;
      reply.stopReason = part.stopReason;
  }
}


function toolDefinitions(input: LoopInput): { name: string; description: string; input_schema: Record<string, unknown> }[] {
  return input.tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.inputSchema }));
}

function linkAbort(parent: AbortSignal, child: AbortController): () => void {
  if (parent.aborted) child.abort(parent.reason);
  const onAbort = (): void => child.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return () => parent.removeEventListener("abort", onAbort);
}
