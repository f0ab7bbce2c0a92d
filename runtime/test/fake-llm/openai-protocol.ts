/**
 * OpenAI Chat Completions: `POST /v1/chat/completions` (SSE chunks ending in `data: [DONE]` when
 * `stream: true`) and `GET /v1/models`. Thinking is DeepSeek-style `reasoning_content`.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 * @see https://platform.openai.com/docs/guides/function-calling#streaming
 */
import type { FakeStopReason } from "./types.ts";
import type { ResolvedReply } from "./script.ts";
import { splitJson, toolCallId } from "./script.ts";
import type { Answer, EncodedBody, ProtocolCall, ProtocolHandler } from "./protocol.ts";
import { CREATED_SECONDS, SSE_CONTENT_TYPE, asRecord, jsonBody, requestModel, sseData } from "./protocol.ts";

type Delta = Record<string, unknown>;

/** OpenAI's `finish_reason` per normalized stop reason. */
const FINISH_REASONS: Record<FakeStopReason, string> = {
  end_turn: "stop",
  max_tokens: "length",
  tool_use: "tool_calls",
  stop_sequence: "stop",
};

/** OpenAI's error `type` and `code` per HTTP status. */
const ERRORS: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
  500: { type: "server_error", code: null },
  503: { type: "server_error", code: null },
};

function toolCallDeltas(reply: ResolvedReply): Delta[] {
  return reply.toolCalls.flatMap((call, index) => {
    const id = toolCallId({ call, prefix: "call_", sequence: reply.sequence, index });
    const start = { tool_calls: [{ index, id, type: "function", function: { name: call.name, arguments: "" } }] };
    const pieces = splitJson(call.input).map((piece) => ({ tool_calls: [{ index, function: { arguments: piece } }] }));
    return [start, ...pieces];
  });
}

/** The deltas of one reply; the role rides on the first tool call when there is no text, as the vendor does. */
function deltas(reply: ResolvedReply): Delta[] {
  const list: Delta[] = [
    ...reply.thinkingChunks.map((reasoning_content) => ({ reasoning_content })),
    ...reply.textChunks.map((content) => ({ content })),
    ...toolCallDeltas(reply),
  ];
  const first = list[0];
  if (first !== undefined && "tool_calls" in first) return [{ role: "assistant", content: null, ...first }, ...list.slice(1)];
  return [{ role: "assistant", content: "" }, ...list];
}

function usageBody(reply: ResolvedReply): Record<string, unknown> {
  const { usage } = reply;
  const body: Record<string, unknown> = {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
  };
  if (usage.cacheRead !== undefined) body.prompt_tokens_details = { cached_tokens: usage.cacheRead };
  if (reply.thinkingChunks.length > 0) {
    body.completion_tokens_details = { reasoning_tokens: Math.min(reply.thinkingChunks.length, usage.output) };
  }
  return body;
}

function shell(reply: ResolvedReply, object: string): Record<string, unknown> {
  return { id: `chatcmpl-fake${reply.sequence}`, object, created: CREATED_SECONDS, model: reply.model, system_fingerprint: "fp_fake" };
}

/** Builds the chunk stream; every chunk carries `usage: null` and a final usage chunk follows when usage was asked for. */
function streamEncoder(includeUsage: boolean): (reply: ResolvedReply) => EncodedBody {
  return (reply) => {
    const head = { ...shell(reply, "chat.completion.chunk"), ...(includeUsage ? { usage: null } : {}) };
    const chunk = (delta: Delta, finish: string | null): string =>
      sseData({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    const chunks = deltas(reply).map((delta) => chunk(delta, null));
    chunks.push(chunk({}, FINISH_REASONS[reply.stopReason]));
    if (includeUsage) chunks.push(sseData({ ...head, choices: [], usage: usageBody(reply) }));
    chunks.push(sseData("[DONE]"));
    return { contentType: SSE_CONTENT_TYPE, chunks };
  };
}

/** The chat.completion document of a non-streaming request. */
function encodeCompletion(reply: ResolvedReply): EncodedBody {
  const toolCalls = reply.toolCalls.map((call, index) => ({
    id: toolCallId({ call, prefix: "call_", sequence: reply.sequence, index }),
    type: "function",
    function: { name: call.name, arguments: JSON.stringify(call.input) },
  }));
  const message: Record<string, unknown> = {
    role: "assistant",
    content: reply.textChunks.length > 0 ? reply.textChunks.join("") : null,
    refusal: null,
  };
  if (reply.thinkingChunks.length > 0) message.reasoning_content = reply.thinkingChunks.join("");
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const choice = { index: 0, message, logprobs: null, finish_reason: FINISH_REASONS[reply.stopReason] };
  return jsonBody({ ...shell(reply, "chat.completion"), choices: [choice], usage: usageBody(reply) });
}

function modelInfo(id: string): Record<string, unknown> {
  return { id, object: "model", created: CREATED_SECONDS, owned_by: "fake-llm" };
}

function answer(call: ProtocolCall): Answer | undefined {
  if (call.method === "POST" && call.pathname === "/v1/chat/completions") {
    const body = asRecord(call.body);
    const includeUsage = asRecord(body.stream_options).include_usage === true;
    const encode = body.stream === true ? streamEncoder(includeUsage) : encodeCompletion;
    return { kind: "generate", model: requestModel(call.body), encode };
  }
  if (call.method !== "GET") return undefined;
  if (call.pathname === "/v1/models") {
    return { kind: "json", body: { object: "list", data: call.models.map((id) => modelInfo(id)) } };
  }
  const id = /^\/v1\/models\/([^/]+)$/.exec(call.pathname)?.[1];
  return id === undefined ? undefined : { kind: "json", body: modelInfo(decodeURIComponent(id)) };
}

/** The OpenAI Chat Completions protocol (also what OpenAI-compatible vendors speak). */
export const openaiProtocol: ProtocolHandler = {
  protocol: "openai",
  answer,
  errorBody: (status, message) => {
    const { type, code } = ERRORS[status] ?? { type: "server_error", code: null };
    return { error: { message, type, param: null, code } };
  },
};
