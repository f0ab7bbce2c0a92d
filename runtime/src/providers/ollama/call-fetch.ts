import { retryAfterMs as headerRetryAfterMs } from "../shared/retry-after-ms.ts";

/** A fetch bound to one model call, and what it saw of the last failed response. */
export interface CallFetch {
  fetch: typeof fetch;
  retryAfterMs(): number | undefined;
}

/**
 * Wraps a fetch for one call: every request also stops when `signal` aborts (the ollama client
 * only aborts a stream once its headers arrived), and the `Retry-After` of a failed response is
 * kept, since the client's ResponseError carries only the status and message.
 */
export function createCallFetch(base: typeof fetch, signal: AbortSignal): CallFetch {
  let retryAfterMs: number | undefined;
  const callFetch: typeof fetch = async (input, init) => {
    const signals = init?.signal ? [signal, init.signal] : [signal];
    const response = await base(input, { ...init, signal: AbortSignal.any(signals) });
    if (!response.ok) retryAfterMs = headerRetryAfterMs(response.headers);
    return response;
  };
  return { fetch: callFetch, retryAfterMs: () => retryAfterMs };
}
