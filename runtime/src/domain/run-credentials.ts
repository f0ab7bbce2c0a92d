import { z } from "zod";

/**
 * Per-run credentials (loomcycle `user_bearer`, `user_credentials`): secrets a caller hands a
 * run for its tools to use. They live in process memory only (never in the runs table, events
 * or logs) and every value that shows up in a tool result is masked.
 */

/** `user_bearer`: an opaque token tools can forward as `Authorization: Bearer …`. */
export const UserBearer = z.string().regex(/^[A-Za-z0-9._\-+/=]{16,512}$/, "16-512 characters of A-Z a-z 0-9 . _ - + / =");

/** `user_credentials`: up to 32 named secrets. */
export const UserCredentials = z
  .record(z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "credential names are 1-64 characters of A-Z a-z 0-9 _ -"), z.string().max(4096, "a credential is at most 4096 characters"))
  .refine((value) => Object.keys(value).length <= 32, { message: "at most 32 credentials" });

/** What one run holds. */
export interface RunCredentials {
  user_bearer?: string;
  user_credentials?: Readonly<Record<string, string>>;
}

/** What replaces a secret in tool results. */
export const REDACTED_SECRET = "[REDACTED]";

/** Values shorter than this are not masked: masking "1" or "ok" would shred every result. */
const MIN_MASKED_LENGTH = 4;

/**
 * The secret values of a run to mask, with their JSON-escaped forms (tools often answer JSON),
 * longest first so a value containing another is masked whole.
 */
export function credentialValues(credentials: RunCredentials | undefined): string[] {
  if (credentials === undefined) return [];
  const values = [credentials.user_bearer ?? "", ...Object.values(credentials.user_credentials ?? {})].filter((value) => value.length >= MIN_MASKED_LENGTH);
  const forms = values.flatMap((value) => [value, JSON.stringify(value).slice(1, -1)]);
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of every value replaced by [REDACTED]. */
export function maskSecrets(text: string, values: readonly string[]): string {
  let masked = text;
  for (const value of values) masked = masked.split(value).join(REDACTED_SECRET);
  return masked;
}
