import type { PGlite, Transaction } from "@electric-sql/pglite";
import type { SqlClient, SqlExecutor } from "../sql/sql-client.ts";

type Queryable = Pick<PGlite, "query" | "exec"> | Pick<Transaction, "query" | "exec">;

/**
 * PGlite runs each statement synchronously in WASM on this thread, and resolves it in a
 * microtask. Under load, chains of queries would then run back to back without ever letting
 * the event loop reach its I/O phase, starving new requests for seconds. Waiting one macrotask
 * turn before each statement keeps the server responsive (see docs/BENCHMARKS.md).
 */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function executor(target: Queryable, options: { yieldFirst: boolean }): SqlExecutor {
  return {
    async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
      if (options.yieldFirst) await yieldToIo();
      if (params === undefined || params.length === 0) {
        // PGlite's `query` takes one statement; `exec` takes several (migrations) and returns each result.
        const results = await target.exec(text);
        return (results.at(-1)?.rows ?? []) as T[];
      }
      const result = await target.query<T>(text, [...params]);
      return result.rows;
    },
  };
}

/**
 * Adapts a PGlite instance to SqlClient. PGlite is a single connection, so a transaction is
 * its own `db.transaction`, which also keeps other queries out until it ends.
 */
export function createPgliteSqlClient(db: PGlite): SqlClient {
  return {
    ...executor(db, { yieldFirst: true }),
    // Inside a transaction PGlite holds its lock: yielding there would only delay everyone else.
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => db.transaction((tx) => fn(executor(tx, { yieldFirst: false }))),
    close: () => db.close(),
  };
}
