import { APIError } from "openai";
import { AppError } from "../../domain/index.ts";
import { retryAfterMs } from "../shared/retry-after-ms.ts";

/** HTTP statuses a later identical call may succeed on: timeout, conflict, rate limit. 5xx are added by range. */
const RETRYABLE_STATUSES = new Set([408, 409, 429]);
/** Error types an in-stream `{"error": …}` chunk (no HTTP status) carries that a retry cannot fix. */
const PERMANENT_TYPES = new Set(["invalid_request_error", "authentication_error", "permission_error", "not_found_error"]);

/**
 * Any failure of a Chat Completions call → AppError `PROVIDER_ERROR`, with `retryable` from the
 * status (429, 5xx, network: true; 400/401/403/404/422: false), `details.status` and
 * `details.retryAfterMs` from `retry-after-ms` / `retry-after`. An aborted call rethrows the
 * signal's reason instead (a timeout or a cancel, which the loop handles itself).
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function mapError(error: unknown, context: { provider: string; signal: AbortSignal }): unknown {
  if (context.signal.aborted) return context.signal.reason;
  if (error instanceof AppError) return error;
  if (!(error instanceof APIError) || isConnectionError(error)) {
    // Network failures, a body cut mid-stream, an unparseable chunk: the same call may succeed.
    const message = error instanceof Error ? error.message : String(error);
    return new AppError("PROVIDER_ERROR", `${context.provider}: ${message}`, { retryable: true, cause: error });
  }
  return new AppError("PROVIDER_ERROR", `${context.provider}: ${error.message}`, {
    retryable: isRetryable(error.status, error.type),
    cause: error,
    details: errorDetails(error),
  });
}

/** The SDK reports connection failures as an APIError without status, headers or body. */
function isConnectionError(error: APIError): boolean {
  return error.status === undefined && error.headers === undefined && error.error === undefined;
}

function isRetryable(status: number | undefined, type: string | undefined): boolean {
  if (status === undefined) return type === undefined || !PERMANENT_TYPES.has(type);
  return status >= 500 || RETRYABLE_STATUSES.has(status);
}

function errorDetails(error: APIError): Record<string, unknown> {
  const retryAfter = retryAfterMs(error.headers);
  return {
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.type ? { type: error.type } : {}),
    ...(error.code ? { errorCode: error.code } : {}),
    ...(error.requestID ? { requestId: error.requestID } : {}),
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
  };
}
