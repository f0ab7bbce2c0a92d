/**
 * The one thing the SQL store needs from a driver: run a statement, run a transaction, close.
 * `pg` and PGlite each adapt to it, so no driver type leaks past their folders.
 */

/** Runs statements; a transaction hands one to its callback so every statement shares it. */
export interface SqlExecutor {
  /**
   * Runs one statement with `$n` parameters and returns its rows. Without parameters the text
   * may hold several statements (migrations); the rows are then those of the last one.
   */
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/** A connection (or pool) the SQL store runs on; adapters map connection failures to STORE_UNAVAILABLE. */
export interface SqlClient extends SqlExecutor {
  /** Runs `fn` in one transaction: commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Releases every connection; the client is unusable afterwards. */
  close(): Promise<void>;
}
