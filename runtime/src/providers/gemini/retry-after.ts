import { retryAfterMs as headerRetryAfterMs } from "../shared/retry-after-ms.ts";

/** What a recording fetch saw of the last failed response: the server's `Retry-After`, in ms. */
export interface RetryAfterProbe {
  fetch: typeof fetch;
  retryAfterMs(): number | undefined;
}

/**
 * Wraps a fetch so a call can read the `Retry-After` header of a failed response: the SDK's
 * ApiError keeps only the status and body, and retryability is data we compute (STYLE "Errors").
 */
export function probeRetryAfter(base: typeof fetch): RetryAfterProbe {
  let retryAfterMs: number | undefined;
  const recording: typeof fetch = async (input, init) => {
    const response = await base(input, init);
    if (!response.ok) retryAfterMs = headerRetryAfterMs(response.headers);
    return response;
  };
  return { fetch: recording, retryAfterMs: () => retryAfterMs };
}
