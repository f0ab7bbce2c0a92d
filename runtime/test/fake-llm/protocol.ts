import type { FakeProtocol } from "./types.ts";
import type { ResolvedReply } from "./script.ts";

/** A response body already framed for the wire: one string per stream chunk (SSE event, NDJSON line) or one JSON body. */
export interface EncodedBody {
  contentType: string;
  chunks: string[];
}

/** How a protocol answers a request: a fixed JSON document, or a model generation that consumes a scripted reply. */
export type Answer =
  | { kind: "json"; status?: number; body: unknown }
  | { kind: "generate"; model: string; encode: (reply: ResolvedReply) => EncodedBody };

/** The parts of a request a protocol needs to route and answer it. */
export interface ProtocolCall {
  method: string;
  /** The path after the `/<scope>` segment, without the query string. */
  pathname: string;
  body: unknown;
  /** The models the request's scope lists. */
  models: string[];
}

/** One vendor's wire protocol: its endpoints and its error body shape. */
export interface ProtocolHandler {
  readonly protocol: FakeProtocol;
  /** Answers a request, or returns `undefined` when the path is not one of this protocol's endpoints. */
  answer(call: ProtocolCall): Answer | undefined;
  /** The vendor's documented error JSON for an HTTP status. */
  errorBody(status: number, message: string): unknown;
}

/** Content type of Server-Sent Events streams (anthropic, openai, gemini). */
export const SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";

/** Content type of JSON bodies. */
export const JSON_CONTENT_TYPE = "application/json";

/** Fixed creation time (2024-01-01T00:00:00Z) so recorded outputs are stable. */
export const CREATED_SECONDS = 1_704_067_200;

/** One SSE event with a name, as Anthropic frames its stream. */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** One unnamed SSE event, as OpenAI and Gemini frame their streams; strings are sent verbatim (`[DONE]`). */
export function sseData(data: unknown): string {
  return `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

/** A whole JSON document as a one-chunk body. */
export function jsonBody(body: unknown): EncodedBody {
  return { contentType: JSON_CONTENT_TYPE, chunks: [JSON.stringify(body)] };
}

/** Reads a JSON request body as a record (empty when it is anything else). */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The `model` field of a request body, or the default model. */
export function requestModel(body: unknown): string {
  const model = asRecord(body).model;
  return typeof model === "string" ? model : "fake-model";
}
