import { ApiError } from "@google/genai";
import { AppError } from "../../domain/index.ts";

/** What the driver knows about a failed call besides the thrown value. */
export interface ErrorContext {
  /** `Retry-After` of the failed HTTP response, when the server sent one. */
  retryAfterMs?: number;
}

/**
 * Anything the Gemini client threw → AppError PROVIDER_ERROR. An ApiError is retryable for 408,
 * 429 and 5xx, not for other 4xx; `details.retryAfterMs` comes from `Retry-After` or the body's
 * `google.rpc.RetryInfo`. Anything else (network failure, cut stream) is retryable.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export function mapError(error: unknown, context: ErrorContext = {}): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ApiError) return apiError(error, context);
  const message = error instanceof Error ? error.message : String(error);
  return new AppError("PROVIDER_ERROR", `gemini: ${message}`, { retryable: true, cause: error });
}

function apiError(error: ApiError, context: ErrorContext): AppError {
  const body = parseErrorBody(error.message);
  const retryAfterMs = context.retryAfterMs ?? body.retryAfterMs;
  const status = error.status;
  return new AppError("PROVIDER_ERROR", `gemini: HTTP ${status}: ${body.message ?? error.message}`, {
    retryable: isRetryableStatus(status),
    cause: error,
    details: { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  });
}

/** Whether the same request may succeed later: timeouts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

interface ErrorBody {
  message?: string;
  retryAfterMs?: number;
}

/**
 * The JSON inside an ApiError message (`{"error":{message, details:[RetryInfo…]}}`, possibly after
 * a `got status: …` prefix for errors sent inside the stream).
 * @see https://cloud.google.com/apis/design/errors#error_details
 */
export function parseErrorBody(text: string): ErrorBody {
  const start = text.indexOf("{");
  if (start < 0) return {};
  try {
    const parsed = JSON.parse(text.slice(start)) as { error?: { message?: unknown; details?: unknown } };
    const message = typeof parsed.error?.message === "string" ? parsed.error.message : undefined;
    const retryAfterMs = retryInfoDelay(parsed.error?.details);
    return { ...(message === undefined ? {} : { message }), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  } catch {
    return {};
  }
}

/** `RetryInfo.retryDelay` ("17s", "1.5s") → ms. */
function retryInfoDelay(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details as { retryDelay?: unknown }[]) {
    const match = typeof detail.retryDelay === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay) : null;
    if (match?.[1] !== undefined) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}
