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
    if (!response.ok) retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    return response;
  };
  return { fetch: callFetch, retryAfterMs: () => retryAfterMs };
}

/**
 * `Retry-After` (delta-seconds or an HTTP date) → milliseconds; undefined when absent or unparseable.
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
