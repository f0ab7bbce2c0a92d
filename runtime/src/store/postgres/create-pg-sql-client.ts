import type pg from "pg";
import type { SqlClient, SqlExecutor } from "../sql/sql-client.ts";
import { isConnectionError, toStoreError } from "./to-store-error.ts";

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

/** Options of createPgSqlClient. */
export interface PgSqlClientOptions {
  pool: pg.Pool;
  /** Names the server in STORE_UNAVAILABLE messages. */
  description: string;
  /**
   * How long a statement outside a transaction (and the checkout of a transaction's connection)
   * keeps retrying while the server cannot be reached, before it fails with STORE_UNAVAILABLE;
   * 0 (default) fails at once. Rides out a Postgres restart or failover.
   */
  retryUnavailableMs?: number;
}

/** First and longest pause between two attempts while the server is away. */
const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 1_000;

/**
 * Runs `attempt` again while it fails with a connection-level error, until `budgetMs` is spent.
 * Safe for single statements: an error instead of a result means the statement never ran or was
 * rolled back with its session (a fast shutdown answers a statement it committed before it ends
 * the session). Statements inside a transaction are never retried one by one.
 */
async function retryUnavailable<T>(attempt: () => Promise<T>, budgetMs: number): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let pause = FIRST_RETRY_MS; ; pause = Math.min(pause * 2, MAX_RETRY_MS)) {
    try {
      return await attempt();
    } catch (error) {
      if (!isConnectionError(error) || Date.now() + pause > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

function executor(target: Queryable, description: string, retryMs = 0): SqlExecutor {
  return {
    async query<T>(text: string, params?: readonly unknown[]): Promise<T[]> {
      try {
        // Without values pg uses the simple protocol, which returns one result per statement.
        const send = (): Promise<unknown> => target.query(text, params === undefined ? undefined : [...params]);
        const result = (await (retryMs > 0 ? retryUnavailable(send, retryMs) : send())) as pg.QueryResult | pg.QueryResult[];
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
  const retryMs = options.retryUnavailableMs ?? 0;
  return {
    ...executor(pool, description, retryMs),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await retryUnavailable(() => pool.connect(), retryMs).catch((error: unknown) => {
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
