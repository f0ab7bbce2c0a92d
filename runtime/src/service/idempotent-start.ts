import type { Logger, Run, Session } from "../domain/index.ts";
import type { Store } from "../store/index.ts";
import type { StartRunRequest } from "./types.ts";

/** How long an Idempotency-Key answers its run when the config says nothing: 24 h, as loomcycle. */
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 86_400;

/** The sweep runs at least this often (and twice per TTL when that is shorter), so expired keys do not pile up. */
const MAX_SWEEP_INTERVAL_MS = 10 * 60_000;

/** A run an earlier request with the same Idempotency-Key created, returned instead of a new one. */
export interface ReplayedRun {
  run: Run;
  session: Session;
  replayed: true;
}

/**
 * The run (and its session) the tenant created earlier with this request's Idempotency-Key, or
 * null: no key, a key not seen yet, or one whose run was created `ttlSeconds` ago or earlier
 * (then the key is released and starts a new run). Looked up before anything is validated, so a
 * repeat answers the same run even when the first one already ended or the quota is full now.
 */
export async function earlierIdempotentRun(store: Store, request: StartRunRequest & { tenant_id: string }, ttlSeconds = DEFAULT_IDEMPOTENCY_TTL_SECONDS): Promise<ReplayedRun | null> {
  const key = request.idempotency_key;
  if (key === undefined) return null;
  const run = await store.idempotency.findLive(request.tenant_id, key, ttlSeconds);
  if (run === null) return null;
  const session = await store.tenantScoped.getSession(request.tenant_id, run.session_id);
  return session === null ? null : { run, session, replayed: true };
}

/**
 * The retention sweep (worker and all roles): every interval, one statement releases the keys of
 * runs older than the TTL. The lookup ignores expired keys on its own, so the sweep only keeps
 * the index small; several processes sweeping at once do no harm. Returns the stop function.
 */
export function startIdempotencySweep(options: { store: Store; ttlSeconds: number; logger: Logger }): () => void {
  const { store, ttlSeconds, logger } = options;
  const intervalMs = Math.max(1_000, Math.min(MAX_SWEEP_INTERVAL_MS, (ttlSeconds * 1_000) / 2));
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    store.idempotency
      .expire(ttlSeconds)
      .then((expired) => {
        if (expired > 0) logger.debug({ expired }, "released expired Idempotency-Keys");
      })
      .catch((error: unknown) => logger.warn({ err: error }, "Idempotency-Key retention sweep failed"))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
