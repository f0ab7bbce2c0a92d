import { SpanStatusCode, trace } from "@opentelemetry/api";
import { emptyUsage } from "../domain/index.ts";
import type { ContentBlock, Message, ToolUse, Usage } from "../domain/index.ts";
import type { ChatModel, ModelRequest, ModelStreamPart } from "../providers/index.ts";
import { appendDelta } from "./append-delta.ts";
import { recoverOrThrow } from "./recover.ts";
import { streamWithTimeouts } from "./stream-with-timeouts.ts";
import type { LoopInput } from "./types.ts";

const tracer = trace.getTracer("loomcycle");

/** What one model call produced. */
export interface ModelReply {
  content: ContentBlock[];
  toolUses: ToolUse[];
  usage: Usage;
  stopReason: Extract<ModelStreamPart, { type: "finish" }>["stopReason"];
}

/**
 * Calls the current model, and on failure retries it or falls back to the next one as the
 * route allows, emitting `retry` / `provider_fallback` events. Throws when recovery runs out.
 */
export async function callModel(input: LoopInput, messages: readonly Message[]): Promise<ModelReply> {
  const state = { attempt: 0, outbound: messages };
  for (;;) {
    const model = input.route?.current() ?? input.model;
    try {
      const reply = await callOnce({ input, model, messages: state.outbound });
      input.route?.succeeded(model);
      return reply;
    } catch (error) {
      state.outbound = await recoverOrThrow({ input, model, error, state });
    }
  }
}

async function callOnce(options: { input: LoopInput; model: ChatModel; messages: readonly Message[] }): Promise<ModelReply> {
  const { input, model, messages } = options;
  const attributes = { "loomcycle.provider": model.provider, "loomcycle.model": model.modelId };
  return tracer.startActiveSpan("loomcycle.provider.call", { attributes }, async (span) => {
    try {
      const reply = await collectReply({ input, model, messages });
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

async function collectReply(options: { input: LoopInput; model: ChatModel; messages: readonly Message[] }): Promise<ModelReply> {
  const { input, model, messages } = options;
  const controller = new AbortController();
  const unlink = linkAbort(input.signal, controller);
  const reply: ModelReply = { content: [], toolUses: [], usage: emptyUsage(), stopReason: "end_turn" };
  try {
    const built: ModelRequest = {
      system: input.system,
      messages,
      tools: toolDefinitions(input),
      maxTokens: input.maxTokens,
      metadata: input.metadata,
      ...(input.sampling ? { sampling: input.sampling } : {}),
      ...(input.effort ? { effort: input.effort } : {}),
    };
    const request = input.transformRequest ? input.transformRequest(built) : built;
    const parts = model.stream(request, { signal: controller.signal });
    const own = model.streamTimeouts;
    const timeouts = { headerMs: own?.headerMs ?? input.limits.headerTimeoutMs, idleMs: own?.idleMs ?? input.limits.idleTimeoutMs, controller };
    for await (const part of streamWithTimeouts(parts, timeouts)) applyPart(reply, part, input);
    return reply;
  } finally {
    unlink();
  }
}

function applyPart(reply: ModelReply, part: ModelStreamPart, input: LoopInput): void {
  switch (part.type) {
    case "text-delta":
      appendDelta(reply.content, { kind: "text", text: part.text });
      input.sink.emit({ type: "text", text: part.text });
      return;
    case "thinking-delta":
      appendDelta(reply.content, { kind: "thinking", text: part.text, signature: part.signature });
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
