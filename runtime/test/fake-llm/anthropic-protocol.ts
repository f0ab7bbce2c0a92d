/**
 * Anthropic Messages API: `POST /v1/messages` (SSE when `stream: true`) and `GET /v1/models`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 * @see https://docs.anthropic.com/en/api/errors
 */
import type { FakeUsage } from "./types.ts";
import type { ResolvedReply } from "./script.ts";
import { splitJson, toolCallId } from "./script.ts";
import type { Answer, EncodedBody, ProtocolCall, ProtocolHandler } from "./protocol.ts";
import { SSE_CONTENT_TYPE, asRecord, jsonBody, requestModel, sseEvent } from "./protocol.ts";

interface Block {
  start: Record<string, unknown>;
  deltas: Record<string, unknown>[];
  whole: Record<string, unknown>;
}

/** Anthropic's error `type` per HTTP status. */
const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

function thinkingBlock(reply: ResolvedReply): Block[] {
  if (reply.thinkingChunks.length === 0) return [];
  const signature = `sig-${reply.sequence}`;
  return [
    {
      start: { type: "thinking", thinking: "" },
      deltas: [
        ...reply.thinkingChunks.map((thinking) => ({ type: "thinking_delta", thinking })),
        { type: "signature_delta", signature },
      ],
      whole: { type: "thinking", thinking: reply.thinkingChunks.join(""), signature },
    },
  ];
}

function textBlock(reply: ResolvedReply): Block[] {
  if (reply.textChunks.length === 0) return [];
  return [
    {
      start: { type: "text", text: "" },
      deltas: reply.textChunks.map((text) => ({ type: "text_delta", text })),
      whole: { type: "text", text: reply.textChunks.join("") },
    },
  ];
}

function toolBlocks(reply: ResolvedReply): Block[] {
  return reply.toolCalls.map((call, index) => {
    const id = toolCallId({ call, prefix: "toolu_", sequence: reply.sequence, index });
    const pieces = ["", ...splitJson(call.input)];
    return {
      start: { type: "tool_use", id, name: call.name, input: {} },
      deltas: pieces.map((partial_json) => ({ type: "input_json_delta", partial_json })),
      whole: { type: "tool_use", id, name: call.name, input: call.input },
    };
  });
}

function blocks(reply: ResolvedReply): Block[] {
  return [...thinkingBlock(reply), ...textBlock(reply), ...toolBlocks(reply)];
}

function cacheUsage(usage: FakeUsage): Record<string, number> {
  const fields: Record<string, number> = {};
  if (usage.cacheWrite !== undefined) fields.cache_creation_input_tokens = usage.cacheWrite;
  if (usage.cacheRead !== undefined) fields.cache_read_input_tokens = usage.cacheRead;
  return fields;
}

function messageShell(reply: ResolvedReply): Record<string, unknown> {
  return { id: `msg_fake${reply.sequence}`, type: "message", role: "assistant", model: reply.model };
}

/** The SSE stream of one reply, in the documented event order. */
function encodeStream(reply: ResolvedReply): EncodedBody {
  const startUsage = { input_tokens: reply.usage.input, ...cacheUsage(reply.usage), output_tokens: 1 };
  const message = { ...messageShell(reply), content: [], stop_reason: null, stop_sequence: null, usage: startUsage };
  const chunks = [sseEvent("message_start", { type: "message_start", message })];
  blocks(reply).forEach((block, index) => {
    chunks.push(sseEvent("content_block_start", { type: "content_block_start", index, content_block: block.start }));
    if (index === 0) chunks.push(sseEvent("ping", { type: "ping" }));
    for (const delta of block.deltas) {
      chunks.push(sseEvent("content_block_delta", { type: "content_block_delta", index, delta }));
    }
    chunks.push(sseEvent("content_block_stop", { type: "content_block_stop", index }));
  });
  const delta = { stop_reason: reply.stopReason, stop_sequence: null };
  chunks.push(sseEvent("message_delta", { type: "message_delta", delta, usage: { output_tokens: reply.usage.output } }));
  chunks.push(sseEvent("message_stop", { type: "message_stop" }));
  return { contentType: SSE_CONTENT_TYPE, chunks };
}

/** The complete Message of a non-streaming request. */
function encodeMessage(reply: ResolvedReply): EncodedBody {
  return jsonBody({
    ...messageShell(reply),
    content: blocks(reply).map((block) => block.whole),
    stop_reason: reply.stopReason,
    stop_sequence: null,
    usage: { input_tokens: reply.usage.input, ...cacheUsage(reply.usage), output_tokens: reply.usage.output },
  });
}

function modelInfo(id: string): Record<string, unknown> {
  return { type: "model", id, display_name: id, created_at: "2024-01-01T00:00:00Z" };
}

function answer(call: ProtocolCall): Answer | undefined {
  if (call.method === "POST" && call.pathname === "/v1/messages") {
    const encode = asRecord(call.body).stream === true ? encodeStream : encodeMessage;
    return { kind: "generate", model: requestModel(call.body), encode };
  }
  if (call.method !== "GET") return undefined;
  if (call.pathname === "/v1/models") {
    const data = call.models.map((id) => modelInfo(id));
    return { kind: "json", body: { data, has_more: false, first_id: call.models[0] ?? null, last_id: call.models.at(-1) ?? null } };
  }
  const id = /^\/v1\/models\/([^/]+)$/.exec(call.pathname)?.[1];
  return id === undefined ? undefined : { kind: "json", body: modelInfo(decodeURIComponent(id)) };
}

/** The Anthropic Messages protocol. */
export const anthropicProtocol: ProtocolHandler = {
  protocol: "anthropic",
  answer,
  errorBody: (status, message) => ({ type: "error", error: { type: ERROR_TYPES[status] ?? "api_error", message } }),
};
