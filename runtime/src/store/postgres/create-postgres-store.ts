import pg from "pg";
import { AppError } from "../../domain/index.ts";
import type { Store } from "../ports.ts";
import { loadSql } from "../sql/load-sql.ts";
import { migrate } from "../sql/migrate.ts";
import { quoteSchemaName } from "../sql/quote-schema-name.ts";
import { SqlStore } from "../sql/sql-store.ts";
import { createPgSqlClient } from "./create-pg-sql-client.ts";

/** Give up on a connection attempt after this long, so an unreachable server fails start-up instead of hanging it. */
const CONNECTION_TIMEOUT_MS = 5_000;

/** Pool size when none is given: enough for the worker, the HTTP API and the heartbeat at once. */
const DEFAULT_MAX_CONNECTIONS = 10;

/** Options of createPostgresStore. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Keep every table in this schema (created when missing); tests use one per file. */
  schema?: string;
  maxConnections?: number;
  /** How long a statement rides out an unreachable server before STORE_UNAVAILABLE (see createPgSqlClient); default 0. */
  retryUnavailableMs?: number;
}

function describeUrl(url: string, schema: string | undefined): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new AppError("CONFIG_INVALID", "the Postgres database URL is not a valid URL", { cause: error });
  }
  const database = decodeURIComponent(parsed.pathname.slice(1)) || "postgres";
  const where = `postgres ${parsed.hostname}:${parsed.port || "5432"}/${database}`;
  return schema === undefined ? where : `${where} (schema ${schema})`;
}

async function setSearchPath(client: pg.ClientBase, searchPath: string): Promise<void> {
  await client.query(loadSql("set_search_path"), [searchPath]);
}

function createPool(options: PostgresStoreOptions): pg.Pool {
  const searchPath = options.schema === undefined ? undefined : quoteSchemaName(options.schema);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
    application_name: "loomcycle",
    // Runs on every new connection and is awaited before the pool hands it out (unlike the
    // 'connect' event, whose query would race the caller's); a failure fails that checkout.
    ...(searchPath === undefined
      ? {}
      : { onConnect: (client: pg.ClientBase) => setSearchPath(client, searchPath) }),
  });
  // An idle client that loses its connection is discarded by the pool; the next query reports
  // the outage. Without a listener the 'error' event would crash the process.
  pool.on("error", () => undefined);
  return pool;
}

/**
 * Opens the Postgres store: a `pg` pool (optionally confined to one schema), migrated to this
 * build's schema before it returns. Throws STORE_UNAVAILABLE when the server cannot be reached.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const description = describeUrl(options.url, options.schema);
  const pool = createPool(options);
  const client = createPgSqlClient({ pool, description, ...(options.retryUnavailableMs === undefined ? {} : { retryUnavailableMs: options.retryUnavailableMs }) });
  try {
    await migrate(client, options.schema === undefined ? {} : { schema: options.schema });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new SqlStore({ client, description });
}
