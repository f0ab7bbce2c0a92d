import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { AppError, isAppError } from "../../../domain/index.ts";
import type { GatewayPart, LlmGateway } from "../../../service/index.ts";
import { parseBody } from "../parse-body.ts";
import { ChatCompletionBody, chatCompletion, finishReason, openAiToolCall, openAiUsage, toGatewayRequest } from "../openai-wire.ts";
import { allParts, openGatewayStream, replySignal } from "../gateway-stream.ts";
import type { OpenedStream } from "../gateway-stream.ts";

const EmbeddingsBody = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1)]),
  encoding_format: z.enum(["float", "base64"]).default("float"),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

/**
 * The OpenAI-compatible API over the LLM gateway (inventory §2.8): POST /v1/chat/completions
 * (streamed as bare `data:` chunks ending with `data: [DONE]`), GET /v1/models (aliases and the
 * models the routing tiers name), POST /v1/embeddings (through the memory embedder).
 */
export function registerOpenAiRoutes(app: FastifyInstance, gateway: LlmGateway): void {
  app.post("/v1/chat/completions", async (request, reply) => {
    const body = parseBody(ChatCompletionBody, request.body);
    const signal = replySignal(reply);
    const call = { request: toGatewayRequest(body), principal: request.principal, signal };
    if (!body.stream) return chatCompletion(await gateway.complete(call.request, call.principal, signal), body.model);
    const opened = await openGatewayStream(gateway, call);
    await streamChunks(reply, opened, { model: body.model, includeUsage: body.stream_options?.include_usage === true });
    return reply;
  });

  app.get("/v1/models", async () => ({
    object: "list",
    data: gateway.listModels().map((model) => ({ id: model.id, object: "model", created: 0, owned_by: model.owned_by })),
  }));

  app.post("/v1/embeddings", async (request) => {
    const body = parseBody(EmbeddingsBody, request.body);
    const embedder = gateway.embedder;
    if (embedder === null) throw new AppError("EMBEDDER_NOT_CONFIGURED", "no embedder is configured (memory.embedder)");
    const texts = [body.input].flat();
    const vectors = await embedder.embed(texts);
    const tokens = texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
    return {
      object: "list",
      data: vectors.map((embedding, index) => ({ object: "embedding", embedding: encode(embedding, body.encoding_format), index })),
      model: embedder.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
  });
}

function encode(vector: number[], format: "float" | "base64"): number[] | string {
  return format === "float" ? vector : Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

interface ChunkContext {
  id: string;
  created: number;
  model: string;
  toolIndex: number;
}

function chunk(context: ChunkContext, delta: Record<string, unknown>, finish: string | null = null): Record<string, unknown> {
  return { id: context.id, object: "chat.completion.chunk", created: context.created, model: context.model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] };
}

/** The chunks one gateway part becomes (none for thinking and provider-chosen). */
function chunksOf(part: GatewayPart, context: ChunkContext): Record<string, unknown>[] {
  if (part.type === "provider-chosen") {
    context.id = `chatcmpl-${part.requestId}`;
    return [chunk(context, { role: "assistant", content: "" })];
  }
  if (part.type === "text-delta") return [chunk(context, { content: part.text })];
  if (part.type === "tool-call") return [chunk(context, { tool_calls: [{ index: context.toolIndex++, ...openAiToolCall(part) }] })];
  if (part.type === "finish") return [chunk(context, {}, finishReason(part.stopReason))];
  return [];
}

/** Writes the stream as OpenAI does: bare `data:` frames, an optional usage chunk, then `data: [DONE]`. */
async function streamChunks(reply: FastifyReply, opened: OpenedStream, options: { model: string; includeUsage: boolean }): Promise<void> {
  reply.hijack();
  reply.raw.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" });
  const context: ChunkContext = { id: "chatcmpl", created: Math.floor(Date.now() / 1000), model: options.model, toolIndex: 0 };
  const write = (data: unknown): boolean => reply.raw.write(`data: ${JSON.stringify(data)}\n\n`);
  try {
    for await (const part of allParts(opened)) {
      for (const data of chunksOf(part, context)) write(data);
      if (part.type === "finish" && options.includeUsage) write({ ...chunk(context, {}), choices: [], usage: openAiUsage(part.usage) });
    }
    reply.raw.write("data: [DONE]\n\n");
  } catch (error) {
    const code = isAppError(error) ? error.code.toLowerCase() : "internal";
    write({ error: { message: isAppError(error) ? error.message : "internal error", type: "api_error", code } });
  }
  reply.raw.end();
}
