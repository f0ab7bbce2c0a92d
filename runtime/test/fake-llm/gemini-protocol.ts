/**
 * Gemini API: `POST /v1beta/models/<model>:streamGenerateContent?alt=sse` (the path and query
 * `@google/genai` sends under `httpOptions.baseUrl`), `:generateContent`, and `GET /v1beta/models`.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
import type { FakeStopReason } from "./types.ts";
import type { ResolvedReply } from "./script.ts";
import type { Answer, EncodedBody, ProtocolCall, ProtocolHandler } from "./protocol.ts";
import { SSE_CONTENT_TYPE, jsonBody, sseData } from "./protocol.ts";

type Part = Record<string, unknown>;

/** Gemini's `finishReason` per normalized stop reason (function calls end with STOP). */
const FINISH_REASONS: Record<FakeStopReason, string> = {
  end_turn: "STOP",
  max_tokens: "MAX_TOKENS",
  tool_use: "STOP",
  stop_sequence: "STOP",
};

/** google.rpc status names per HTTP status. */
const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** Context window the fake models advertise. */
const INPUT_TOKEN_LIMIT = 32_768;

/** Matches `/<version>/models/<model>:<method>`. */
const GENERATE_PATH = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(streamGenerateContent|generateContent)$/;

function functionCallPart(call: ResolvedReply["toolCalls"][number]): Part {
  const functionCall: Record<string, unknown> = { name: call.name, args: call.input };
  if (call.id !== undefined) functionCall.id = call.id;
  return { functionCall };
}

/** The parts of each stream chunk: one per thinking or text word, then all function calls together. */
function partGroups(reply: ResolvedReply): Part[][] {
  const groups: Part[][] = [
    ...reply.thinkingChunks.map((text) => [{ text, thought: true }]),
    ...reply.textChunks.map((text) => [{ text }]),
  ];
  if (reply.toolCalls.length > 0) groups.push(reply.toolCalls.map((call) => functionCallPart(call)));
  return groups.length > 0 ? groups : [[{ text: "" }]];
}

function usageMetadata(reply: ResolvedReply): Record<string, unknown> {
  const { usage } = reply;
  const thoughts = reply.thinkingChunks.length;
  const metadata: Record<string, unknown> = {
    promptTokenCount: usage.input,
    candidatesTokenCount: usage.output,
    totalTokenCount: usage.input + usage.output + thoughts,
  };
  if (usage.cacheRead !== undefined) metadata.cachedContentTokenCount = usage.cacheRead;
  if (thoughts > 0) metadata.thoughtsTokenCount = thoughts;
  return metadata;
}

function response(reply: ResolvedReply, options: { parts: Part[]; last: boolean }): Record<string, unknown> {
  const candidate: Record<string, unknown> = { content: { parts: options.parts, role: "model" } };
  if (options.last) candidate.finishReason = FINISH_REASONS[reply.stopReason];
  candidate.index = 0;
  const usage = options.last
    ? usageMetadata(reply)
    : { promptTokenCount: reply.usage.input, totalTokenCount: reply.usage.input };
  return { candidates: [candidate], usageMetadata: usage, modelVersion: reply.model, responseId: `fake-response-${reply.sequence}` };
}

/** The SSE stream: one GenerateContentResponse per chunk; the last carries finishReason and full usage. */
function encodeStream(reply: ResolvedReply): EncodedBody {
  const groups = partGroups(reply);
  const chunks = groups.map((parts, index) => sseData(response(reply, { parts, last: index === groups.length - 1 })));
  return { contentType: SSE_CONTENT_TYPE, chunks };
}

/** The single GenerateContentResponse of `:generateContent`. */
function encodeResponse(reply: ResolvedReply): EncodedBody {
  const parts: Part[] = [];
  if (reply.thinkingChunks.length > 0) parts.push({ text: reply.thinkingChunks.join(""), thought: true });
  if (reply.textChunks.length > 0) parts.push({ text: reply.textChunks.join("") });
  parts.push(...reply.toolCalls.map((call) => functionCallPart(call)));
  return jsonBody(response(reply, { parts, last: true }));
}

function modelInfo(id: string): Record<string, unknown> {
  return {
    name: `models/${id}`,
    version: "001",
    displayName: id,
    inputTokenLimit: INPUT_TOKEN_LIMIT,
    outputTokenLimit: 8192,
    supportedGenerationMethods: ["generateContent", "countTokens"],
  };
}

function answer(call: ProtocolCall): Answer | undefined {
  const generate = GENERATE_PATH.exec(call.pathname);
  if (call.method === "POST" && generate !== null) {
    const model = decodeURIComponent(generate[1] ?? "fake-model");
    return { kind: "generate", model, encode: generate[2] === "streamGenerateContent" ? encodeStream : encodeResponse };
  }
  if (call.method !== "GET") return undefined;
  if (/^\/v1(beta|alpha)?\/models$/.test(call.pathname)) {
    return { kind: "json", body: { models: call.models.map((id) => modelInfo(id)) } };
  }
  const id = /^\/v1(?:beta|alpha)?\/models\/([^/:]+)$/.exec(call.pathname)?.[1];
  return id === undefined ? undefined : { kind: "json", body: modelInfo(decodeURIComponent(id)) };
}

/** The Gemini API protocol. */
export const geminiProtocol: ProtocolHandler = {
  protocol: "gemini",
  answer,
  errorBody: (status, message) => ({ error: { code: status, message, status: STATUS_NAMES[status] ?? "UNKNOWN" } }),
};
