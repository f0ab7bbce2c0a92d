import { isAppError } from "../../../runtime/src/domain/index.ts";
import type { StatusOutcome } from "../resources/definition-status.ts";

/** A failed store write as status says it: the user's to fix (Stalled) or ours to retry (StoreUnavailable). */
export type FailedWrite = { outcome: Exclude<StatusOutcome, { state: "ready" }>; retry: boolean };

/**
 * Classifies an error of DefinitionService.apply / release: the name owned by another object or
 * by the API → NameConflict; the runtime refusing the definition → InvalidSpec; anything else
 * (Postgres unreachable, a closed pool, a statement failing) → StoreUnavailable, retried with
 * backoff. Store messages name the server, never a password or a definition's values.
 */
export function failedWrite(error: unknown): FailedWrite {
  if (isAppError(error) && error.code === "DEFINITION_OWNED") return { outcome: { state: "stalled", reason: "NameConflict", message: error.message }, retry: false };
  if (isAppError(error) && error.code === "INVALID_ARGUMENT") return { outcome: { state: "stalled", reason: "InvalidSpec", message: error.message }, retry: false };
  const detail = isAppError(error) ? error.message : `the definition store failed: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`;
  return { outcome: { state: "retrying", reason: "StoreUnavailable", message: detail }, retry: true };
}
