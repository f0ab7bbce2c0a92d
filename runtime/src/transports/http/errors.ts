import type { ErrorCode } from "../../domain/index.ts";
import { AppError, isAppError } from "../../domain/index.ts";
import type { ErrorResponse } from "./contract.ts";

/** HTTP status per error code; the wire code is the catalog code in lower case. */
const STATUS: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  INVALID_JSON: 400,
  UNKNOWN_AGENT: 400,
  NOT_FOUND: 404,
  SESSION_BUSY: 409,
  AGENT_ID_IN_USE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CONFIG_INVALID: 500,
  STORE_UNAVAILABLE: 503,
  PROVIDER_ERROR: 502,
  PROVIDER_TIMEOUT: 504,
  UNAVAILABLE: 503,
  RUN_NOT_PARKED: 409,
  CHANNEL_EXISTS: 409,
  CHANNEL_YAML_IMMUTABLE: 409,
  CHANNEL_CURSOR_REGRESSION: 409,
  CANCELLED: 409,
  NOT_INTERACTIVE: 409,
  NOT_MID_TURN: 409,
  PARKED: 503,
  VECTOR_UNSUPPORTED: 501,
  EMBEDDER_NOT_CONFIGURED: 503,
  MEMORY_VALUE_TOO_LARGE: 413,
  INTERRUPT_NOT_PENDING: 409,
  INTERRUPT_EXPIRED: 410,
  ANSWER_NOT_IN_OPTIONS: 422,
  DEFINITION_OWNED: 409,
  DEFINITION_EXISTS: 409,
  TOOL_REFUSED: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  TOKEN_NAME_IN_USE: 409,
  PER_USER_QUOTA_EXHAUSTED: 429,
  PER_TENANT_QUOTA_EXHAUSTED: 429,
  BACKPRESSURE: 429,
  TOKEN_LIMIT_EXCEEDED: 429,
  SNAPSHOT_TOO_LARGE: 413,
  SNAPSHOT_VERSION_TOO_NEW: 422,
  RUNTIME_PAUSED: 503,
  ALREADY_PAUSING: 409,
  NOT_PAUSED: 409,
  INTERNAL: 500,
};

/** Fastify's own client-error codes, mapped into the catalog. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_EMPTY_JSON_BODY: "INVALID_JSON",
  FST_ERR_CTP_INVALID_JSON_BODY: "INVALID_JSON",
};

/**
 * Maps any thrown value to a status and `{code, error}` body. Unknown errors become 500 with a
 * generic message; the caller logs the original.
 */
export function toHttpError(error: unknown): { status: number; body: ErrorResponse; internal: boolean } {
  const appError = asAppError(error);
  if (appError === null || appError.code === "INTERNAL" || appError.code === "CONFIG_INVALID") {
    return { status: 500, body: { code: "internal", error: "internal error" }, internal: true };
  }
  return { status: STATUS[appError.code], body: { code: appError.code.toLowerCase(), error: appError.message }, internal: false };
}

function asAppError(error: unknown): AppError | null {
  if (isAppError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code in FASTIFY_CODES) {
    const mapped = FASTIFY_CODES[code] as ErrorCode;
    return new AppError(mapped, fastifyMessage(mapped, error as Error), { cause: error });
  }
  if (error instanceof SyntaxError) return new AppError("INVALID_JSON", `request body is not valid JSON: ${error.message}`);
  return null;
}

function fastifyMessage(code: ErrorCode, error: Error): string {
  if (code === "PAYLOAD_TOO_LARGE") return "request body is larger than the limit (LOOMCYCLE_MAX_REQUEST_BYTES)";
  if (code === "UNSUPPORTED_MEDIA_TYPE") return "send the request body as JSON (content-type: application/json)";
  return `request body is not valid JSON: ${error.message}`;
}
