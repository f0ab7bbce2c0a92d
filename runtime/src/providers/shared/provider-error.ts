import { AppError } from "../../domain/index.ts";

/** HTTP statuses a later identical call may succeed on: timeout, conflict, rate limit. 5xx are added by range. */
const RETRYABLE_STATUSES = new Set([408, 409, 429]);

/**
 * Whether the same call may succeed later: by HTTP status (429, 408, 409, 5xx incl. Anthropic's
 * 529 overloaded: yes; 400/401/403/404/422: no), or, for an in-stream error without a status,
 * unless its type is one a retry cannot fix.
 */
export function isRetryableFailure(options: { status: number | undefined; type: string | null | undefined; permanentTypes: ReadonlySet<string> }): boolean {
  const { status, type } = options;
  if (status === undefined) return type === undefined || type === null || !options.permanentTypes.has(type);
  return status >= 500 || RETRYABLE_STATUSES.has(status);
}

/**
 * The common front of every driver's error mapping: an aborted call rethrows the signal's reason
 * (a timeout or a cancel the loop handles), an AppError passes through, and a failure the SDK
 * could not attribute to the API (network, a cut body, an unparseable chunk) is retryable.
 * Returns null when the SDK's API error must be mapped by the driver itself.
 */
export function mapCommonFailure(error: unknown, context: { provider: string; signal: AbortSignal; isApiError: boolean }): unknown {
  if (context.signal.aborted) return context.signal.reason;
  if (error instanceof AppError) return error;
  if (context.isApiError) return null;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError("PROVIDER_ERROR", `${context.provider}: ${message}`, { retryable: true, cause: error });
}
