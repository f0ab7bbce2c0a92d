import type pg from "pg";
import type { SqlClient, SqlExecutor } from "../sql/sql-client.ts";
import { toStoreError } from "./to-store-error.ts";

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

/** Options of createPgSqlClient. */
export interface PgSqlClientOptions {
  pool: pg.Pool;
  /** Names the server in STORE_UNAVAILABLE messages. */
  description: string;
}

function executor(target: Queryable, description: string): SqlExecutor {
  return {
    async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
      try {
        // Without values pg uses the simple protocol, which returns one result per statement.
        const result = (await target.query(text, params === undefined ? undefined : [...params])) as
          | pg.QueryResult
          | pg.QueryResult[];
        const last = Array.isArray(result) ? result.at(-1) : result;
        return (last?.rows ?? []) as T[];
      } catch (error) {
        throw toStoreError(error, description);
      }
    },
  };
}

async function rollback(client: pg.PoolClient): Promise<Error | undefined> {
  try {
    await client.query("rollback");
    return undefined;
  } catch (error) {
    // A client whose rollback failed is broken; the pool must destroy it, not reuse it.
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Adapts a `pg.Pool` to SqlClient: plain queries share the pool, a transaction holds one client. */
export function createPgSqlClient(options: PgSqlClientOptions): SqlClient {
  const { pool, description } = options;
  return {
    ...executor(pool, description),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect().catch((error: unknown) => {
        throw toStoreError(error, description);
      });
      try {
        const tx = executor(client, description);
        await tx.query("begin");
        const result = await fn(tx);
        await tx.query("commit");
        client.release();
        return result;
      } catch (error) {
        client.release(await rollback(client));
        throw error;
      }
    },
    close: () => pool.end(),
  };
}
