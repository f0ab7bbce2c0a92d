import type { Run, Session } from "../domain/index.ts";
import type { Store } from "../store/index.ts";
import type { StartRunRequest } from "./types.ts";

/** A run an earlier request with the same Idempotency-Key created, returned instead of a new one. */
export interface ReplayedRun {
  run: Run;
  session: Session;
  replayed: true;
}

/**
 * The run (and its session) the tenant created earlier with this request's Idempotency-Key, or
 * null: no key, or a key not seen yet. Looked up before anything is validated, so a repeat
 * answers the same run even when the first one already ended or the quota is full now.
 */
export async function earlierIdempotentRun(store: Store, request: StartRunRequest & { tenant_id: string }): Promise<ReplayedRun | null> {
  const key = request.idempotency_key;
  if (key === undefined) return null;
  const run = await store.tenantScoped.getRunByIdempotencyKey(request.tenant_id, key);
  if (run === null) return null;
  const session = await store.tenantScoped.getSession(request.tenant_id, run.session_id);
  return session === null ? null : { run, session, replayed: true };
}
