import type { Run } from "../domain/index.ts";

/**
 * Idempotency-Key retention: a key answers the run it created for a limited time (the TTL,
 * counted from the run's creation); after that the same key starts a new run. The lookup ignores
 * expired keys itself, so correctness never depends on when the sweep last ran.
 */
export interface IdempotencyStore {
  /**
   * The tenant's run created with this key less than `ttlSeconds` ago, or null. In the same
   * statement a run holding the key for longer releases it, so a new run can take the key
   * (unique per tenant) without waiting for the sweep.
   */
  findLive(tenantId: string, key: string, ttlSeconds: number): Promise<Run | null>;
  /** Releases the keys of every run created `ttlSeconds` ago or earlier, in one statement; returns how many. */
  expire(ttlSeconds: number): Promise<number>;
}
