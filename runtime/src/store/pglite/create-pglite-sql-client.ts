import type { PGlite, Transaction } from "@electric-sql/pglite";
import type { SqlClient, SqlExecutor } from "../sql/sql-client.ts";

type Queryable = Pick<PGlite, "query" | "exec"> | Pick<Transaction, "query" | "exec">;

function executor(target: Queryable): SqlExecutor {
  return {
    async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
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
    ...executor(db),
    transaction: <T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> => db.transaction((tx) => fn(executor(tx))),
    close: () => db.close(),
  };
}
