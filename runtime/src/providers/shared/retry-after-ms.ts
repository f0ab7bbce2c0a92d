/**
 * Milliseconds a provider asked us to wait: `retry-after-ms` (milliseconds, sent by Anthropic
 * and OpenAI) first, else `retry-after` (delta-seconds or an HTTP date). Undefined when absent.
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
export function retryAfterMs(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  const milliseconds = nonNegative(headers?.get("retry-after-ms"));
  if (milliseconds !== undefined) return Math.round(milliseconds);
  const value = headers?.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  const seconds = nonNegative(value);
  if (seconds !== undefined) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function nonNegative(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
