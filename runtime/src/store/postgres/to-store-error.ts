import { AppError } from "../../domain/index.ts";

/** Socket errors meaning the server cannot be reached (Node's `error.code`). */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);

/**
 * SQLSTATEs meaning the server is not serving us: admin/crash shutdown, cannot connect now,
 * too many connections. Class 08 (connection exception) is matched by prefix.
 */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);

/**
 * `pg` raises pool and connection timeouts as plain Errors without a code, so their message is
 * the only signal; these are its fixed texts (pg-pool and pg/lib/client.js).
 */
const PG_CONNECTION_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|connection error/;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** True for failures meaning the server cannot be reached or is not serving us (not for SQL errors). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = codeOf(error) ?? "";
  if (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || /^08/.test(code)) return true;
  return PG_CONNECTION_MESSAGES.test(error.message);
}

function describe(error: Error): string {
  if (error.message !== "") return error.message;
  return codeOf(error) ?? error.name;
}

/**
 * Maps a `pg` failure to what the core understands: connection-level failures become a retryable
 * STORE_UNAVAILABLE naming the server (never the password); SQL errors pass through unchanged.
 */
export function toStoreError(error: unknown, description: string): unknown {
  if (!isConnectionError(error)) return error;
  return new AppError("STORE_UNAVAILABLE", `cannot reach ${description}: ${describe(error as Error)}`, {
    cause: error,
    retryable: true,
  });
}
