import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { TIERS, isAppError } from "../../../domain/index.ts";
import type { ContentBlock, Message } from "../../../domain/index.ts";
import type { GatewayPart, GatewayRequest, GatewayResult, LlmGateway } from "../../../service/index.ts";
import { parseBody } from "../parse-body.ts";
import { SseStream } from "../sse.ts";
import { allParts, openGatewayStream, replySignal } from "../gateway-stream.ts";

const NativeMessage = z.object({
  role: z.enum(["system", "user", "assistant", "tool"]),
  content: z.string().default(""),
  tool_calls: z.array(z.object({ id: z.string().min(1), name: z.string().min(1), input: z.record(z.string(), z.unknown()).default({}) })).optional(),
  tool_call_id: z.string().optional(),
});

/** POST /v1/_llm/chat (inventory §2.8). */
const NativeChatBody = z.object({
  messages: z.array(NativeMessage).min(1),
  tools: z.array(z.object({ name: z.string().min(1), description: z.string().default(""), input_schema: z.record(z.string(), z.unknown()).default({ type: "object" }) })).default([]),
  max_tokens: z.number().int().nonnegative().default(0),
  temperature: z.number().min(0).max(2).optional(),
  stream: z.boolean().default(false),
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  tier: z.enum(TIERS).optional(),
  user_id: z.string().min(1).optional(),
  user_tier: z.string().min(1).optional(),
});
type NativeChatBody = z.infer<typeof NativeChatBody>;

type NativeMessage = z.infer<typeof NativeMessage>;

/** The blocks of one non-system message: a tool result, or text plus tool calls. */
function blocksOf(message: NativeMessage): ContentBlock[] {
  if (message.role === "tool") return [{ type: "tool_result", tool_use_id: message.tool_call_id ?? "", text: message.content, is_error: false }];
  const blocks: ContentBlock[] = message.content === "" ? [] : [{ type: "text", text: message.content }];
  for (const call of message.tool_calls ?? []) blocks.push({ type: "tool_use", ...call });
  return blocks;
}

function toMessages(body: NativeChatBody): { system: string; messages: Message[] } {
  const system: string[] = [];
  const messages: Message[] = [];
  for (const message of body.messages) {
    if (message.role === "system") {
      system.push(message.content);
      continue;
    }
    const role = message.role === "assistant" ? "assistant" : "user";
    const last = messages.at(-1);
    if (last?.role === role && role === "user") last.content.push(...blocksOf(message));
    else messages.push({ role, content: blocksOf(message) });
  }
  return { system: system.join("\n\n"), messages };
}

function toRequest(body: NativeChatBody): GatewayRequest {
  return {
    ...toMessages(body),
    tools: body.tools,
    maxTokens: body.max_tokens,
    ...(body.temperature === undefined ? {} : { sampling: { temperature: body.temperature } }),
    ...(body.model ? { model: body.model } : {}),
    ...(body.provider ? { provider: body.provider } : {}),
    ...(body.tier ? { tier: body.tier } : {}),
    ...(body.user_id ? { userId: body.user_id } : {}),
    ...(body.user_tier ? { userTier: body.user_tier } : {}),
  };
}

function nativeResult(result: GatewayResult): Record<string, unknown> {
  const content = [
    ...(result.text === "" ? [] : [{ type: "text", text: result.text }]),
    ...result.toolCalls.map((call) => ({ type: "tool_use", ...call })),
  ];
  return { id: result.requestId, request_id: result.requestId, provider: result.provider, model: result.model, content, stop_reason: result.stopReason, usage: result.usage };
}

/** Turns gateway parts into the native frames, tracking the open text block. */
class FrameWriter {
  private readonly sse: SseStream;
  private index = -1;
  private textOpen = false;
  private open = false;
  private requestId = "";

  constructor(sse: SseStream) {
    this.sse = sse;
  }

  write(part: GatewayPart): void {
    if (part.type === "provider-chosen") {
      this.requestId = part.requestId;
      this.sse.send("provider_chosen", { provider: part.provider, model: part.model, request_id: part.requestId });
    } else if (part.type === "text-delta") {
      if (!this.textOpen) this.start({ type: "text", text: "" });
      this.textOpen = true;
      this.sse.send("content_block_delta", { index: this.index, delta: { type: "text_delta", text: part.text } });
    } else if (part.type === "tool-call") {
      this.start({ type: "tool_use", id: part.id, name: part.name, input: {} });
      this.sse.send("content_block_delta", { index: this.index, delta: { type: "input_json_delta", partial_json: JSON.stringify(part.input) } });
      this.stop();
    } else if (part.type === "finish") {
      this.stop();
      this.sse.send("message_delta", { delta: { stop_reason: part.stopReason }, usage: part.usage });
      this.sse.send("done", { id: this.requestId, stop_reason: part.stopReason, usage: part.usage });
    }
  }

  private start(block: Record<string, unknown>): void {
    this.stop();
    this.index++;
    this.open = true;
    this.sse.send("content_block_start", { index: this.index, block });
  }

  private stop(): void {
    if (!this.open) return;
    this.sse.send("content_block_stop", { index: this.index });
    this.open = false;
    this.textOpen = false;
  }
}

/**
 * POST /v1/_llm/chat: the native gateway. One model call, no run; non-stream a single JSON body,
 * stream SSE frames provider_chosen, content_block_start/delta/stop, message_delta, done (error on failure).
 */
export function registerLlmGatewayRoutes(app: FastifyInstance, gateway: LlmGateway, options: { sseKeepaliveMs: number }): void {
  app.post("/v1/_llm/chat", async (request, reply) => {
    const body = parseBody(NativeChatBody, request.body);
    const signal = replySignal(reply);
    const call = { request: toRequest(body), principal: request.principal, signal };
    if (!body.stream) return nativeResult(await gateway.complete(call.request, call.principal, signal));
    const opened = await openGatewayStream(gateway, call);
    const sse = new SseStream(reply, options.sseKeepaliveMs);
    const frames = new FrameWriter(sse);
    try {
      for await (const part of allParts(opened)) frames.write(part);
    } catch (error) {
      const code = isAppError(error) ? error.code.toLowerCase() : "internal";
      sse.send("error", { type: "error", code, message: isAppError(error) ? error.message : "internal error" });
    }
    sse.close();
    return reply;
  });
}
