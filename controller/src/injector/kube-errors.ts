/** The HTTP status of a client-node ApiException (or undefined for anything else). */
export function httpStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

/**
 * A log-safe description of an error: the HTTP status and the apiserver's Status message, never
 * the request or response body (which, for a Secret, could hold key material).
 */
export function describeError(error: unknown): string {
  const code = httpStatus(error);
  if (code === undefined) return error instanceof Error ? error.message.split("\n")[0] ?? error.name : String(error);
  const body = (error as { body?: unknown }).body;
  let message: unknown;
  try {
    message = (typeof body === "string" ? (JSON.parse(body) as { message?: unknown }) : (body as { message?: unknown } | undefined))?.message;
  } catch {
    message = undefined;
  }
  return typeof message === "string" ? `HTTP ${code}: ${message}` : `HTTP ${code}`;
}
