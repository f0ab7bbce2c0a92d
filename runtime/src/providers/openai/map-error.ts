import { APIError } from "openai";
import { AppError } from "../../domain/index.ts";
import { isRetryableFailure, mapCommonFailure } from "../shared/provider-error.ts";
import { retryAfterMs } from "../shared/retry-after-ms.ts";

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
  const common = mapCommonFailure(error, { ...context, isApiError: error instanceof APIError && !isConnectionError(error) });
  if (common !== null || !(error instanceof APIError)) return common;
  return new AppError("PROVIDER_ERROR", `${context.provider}: ${error.message}`, {
    retryable: isRetryableFailure({ status: error.status, type: error.type, permanentTypes: PERMANENT_TYPES }),
    cause: error,
    details: errorDetails(error),
  });
}

/** The SDK reports connection failures as an APIError without status, headers or body. */
function isConnectionError(error: APIError): boolean {
  return error.status === undefined && error.headers === undefined && error.error === undefined;
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
