/**
 * OpenAI Chat Completions: `POST /v1/chat/completions` (SSE chunks ending in `data: [DONE]` when
 * `stream: true`), `POST /v1/embeddings` and `GET /v1/models`. Thinking is DeepSeek-style `reasoning_content`.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming
 * @see https://platform.openai.com/docs/guides/function-calling#streaming
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
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

/** Dimensions of a fake embedding unless the request asks for `dimensions`. */
const EMBEDDING_DIMENSIONS = 64;

/** FNV-1a: a small, stable string hash. */
function fnv1a(text: string): number {
  let hash = 0x81_1c_9d_c5;
  for (const char of text) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01_00_01_93) >>> 0;
  return hash;
}

/**
 * A deterministic embedding that makes nearness testable: the text's lower-cased words hashed
 * into `dimensions` buckets (bag of words), L2-normalized, so texts sharing words have a higher
 * cosine similarity. A text without words maps to the first axis.
 */
export function fakeEmbedding(text: string, dimensions: number = EMBEDDING_DIMENSIONS): number[] {
  const vector = Array.from({ length: dimensions }, () => 0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const bucket = fnv1a(word) % dimensions;
    vector[bucket] = (vector[bucket] ?? 0) + 1;
  }
  if (words.length === 0) vector[0] = 1;
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

/** The documented float32 little-endian base64 form (`encoding_format: "base64"`, the SDK's default). */
function base64Floats(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

/** `input` as a list of strings, or null when it is not a string or a non-empty list of strings. */
function embeddingInputs(input: unknown): string[] | null {
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === "string")) return input as string[];
  return null;
}

/** `POST /v1/embeddings`: one deterministic vector per input, in OpenAI's documented list shape. */
function answerEmbeddings(body: Record<string, unknown>): Answer {
  const inputs = embeddingInputs(body.input);
  const dimensions = typeof body.dimensions === "number" && Number.isInteger(body.dimensions) && body.dimensions > 0 ? body.dimensions : EMBEDDING_DIMENSIONS;
  if (inputs === null) {
    return { kind: "json", status: 400, body: openaiProtocol.errorBody(400, "'input' must be a string or a non-empty array of strings") };
  }
  const base64 = body.encoding_format === "base64";
  const data = inputs.map((text, index) => {
    const vector = fakeEmbedding(text, dimensions);
    return { object: "embedding", index, embedding: base64 ? base64Floats(vector) : vector };
  });
  const tokens = inputs.reduce((sum, text) => sum + (text.match(/\S+/g)?.length ?? 0), 0);
  return { kind: "json", body: { object: "list", data, model: requestModel(body), usage: { prompt_tokens: tokens, total_tokens: tokens } } };
}

function answer(call: ProtocolCall): Answer | undefined {
  if (call.method === "POST" && call.pathname === "/v1/embeddings") return answerEmbeddings(asRecord(call.body));
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
