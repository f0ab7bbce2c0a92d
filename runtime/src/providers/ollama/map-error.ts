import { AppError } from "../../domain/index.ts";

/** What the driver knows about a failed call besides the thrown value. */
export interface ErrorContext {
  /** The Ollama host, named in connection errors. */
  host: string;
  /** `Retry-After` of the failed HTTP response, when the server sent one. */
  retryAfterMs?: number;
}

/** Network error codes that mean "could not reach the server". */
const CONNECT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ECONNRESET", "UND_ERR_CONNECT_TIMEOUT"]);

/**
 * Anything the ollama client threw → AppError PROVIDER_ERROR. A ResponseError (HTTP status) is
 * retryable for 408, 429 and 5xx, not for other 4xx; a refused connection is retryable and names
 * the host; errors inside the stream (an `error` frame, a stream cut before `done`) are retryable.
 * @see https://github.com/ollama/ollama/blob/main/docs/api.md#errors
 */
export function mapError(error: unknown, context: ErrorContext): AppError {
  if (error instanceof AppError) return error;
  const status = responseStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status !== undefined) {
    const details = { status, ...(context.retryAfterMs === undefined ? {} : { retryAfterMs: context.retryAfterMs }) };
    return new AppError("PROVIDER_ERROR", `ollama: HTTP ${status}: ${message}`, { retryable: isRetryableStatus(status), cause: error, details });
  }
  const code = networkCode(error);
  if (code !== undefined && CONNECT_CODES.has(code)) {
    return new AppError("PROVIDER_ERROR", `ollama: cannot reach ${context.host} (${code})`, { retryable: true, cause: error, details: { code } });
  }
  return new AppError("PROVIDER_ERROR", `ollama: ${message}`, { retryable: true, cause: error });
}

/** Whether the same request may succeed later: timeouts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The client's ResponseError is not exported; it is recognised by its name and `status_code`. */
function responseStatus(error: unknown): number | undefined {
  if (!(error instanceof Error) || error.name !== "ResponseError") return undefined;
  const status = (error as Error & { status_code?: unknown }).status_code;
  return typeof status === "number" ? status : undefined;
}

/** The system error code under a failed fetch (`TypeError: fetch failed` → cause.code). */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = current.cause;
  }
  return undefined;
}
