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
    if (!response.ok) retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    return response;
  };
  return { fetch: recording, retryAfterMs: () => retryAfterMs };
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
