import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../../domain/index.ts";
import { loadSql } from "./load-sql.ts";
import { quoteSchemaName } from "./quote-schema-name.ts";
import type { SqlClient, SqlExecutor } from "./sql-client.ts";

/**
 * Key of the transaction-scoped advisory lock that serializes migrations across processes
 * sharing a database: "loom" in ASCII, so it is recognizable in `pg_locks`.
 */
export const MIGRATION_LOCK_KEY = 0x6c_6f_6f_6d;

/** The folder of numbered migrations, next to this module. */
const MIGRATIONS_DIR = join(import.meta.dirname, "migrations");

/** `NNNN_description.sql`: the number is the version, the rest the name. */
const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Options of `migrate`. */
export interface MigrateOptions {
  /** Create this schema first (under the same lock); the connection's search_path must name it. */
  schema?: string;
}

let known: Migration[] | undefined;

function knownMigrations(): Migration[] {
  known ??= readdirSync(MIGRATIONS_DIR)
    .map((file) => ({ file, match: MIGRATION_FILE.exec(file) }))
    .filter((entry) => entry.match !== null)
    .map(({ file, match }) => ({
      version: Number(match?.[1]),
      name: match?.[2] ?? file,
      sql: readFileSync(join(MIGRATIONS_DIR, file), "utf8"),
    }))
    .sort((a, b) => a.version - b.version);
  return known;
}

async function appliedVersions(tx: SqlExecutor): Promise<Set<number>> {
  await tx.query(loadSql("create_schema_migrations"));
  const rows = await tx.query<{ version: number }>(loadSql("list_applied_migrations"));
  return new Set(rows.map((row) => Number(row.version)));
}

function assertNotNewer(applied: ReadonlySet<number>, migrations: readonly Migration[]): void {
  const newest = Math.max(0, ...applied);
  const latest = migrations.at(-1)?.version ?? 0;
  if (newest > latest) {
    throw new AppError(
      "STORE_UNAVAILABLE",
      `the database schema is at migration ${newest}, newer than this loomcycle build knows (${latest}); ` +
        "upgrade loomcycle, or point it at another database",
      { details: { databaseVersion: newest, knownVersion: latest } },
    );
  }
}

/**
 * Brings the database up to this build's schema before the store serves anything: applies the
 * pending migrations in ONE transaction under an advisory lock, so concurrent starts apply each
 * migration once; refuses a database migrated by a newer build. Returns the versions it applied.
 */
export function migrate(client: SqlClient, options: MigrateOptions = {}): Promise<number[]> {
  const migrations = knownMigrations();
  return client.transaction(async (tx) => {
    await tx.query(loadSql("lock_migrations"), [MIGRATION_LOCK_KEY]);
    if (options.schema !== undefined) await tx.query(`create schema if not exists ${quoteSchemaName(options.schema)}`);
    const applied = await appliedVersions(tx);
    assertNotNewer(applied, migrations);
    const pending = migrations.filter((migration) => !applied.has(migration.version));
    for (const migration of pending) {
      await tx.query(migration.sql);
      await tx.query(loadSql("insert_schema_migration"), [migration.version, migration.name]);
    }
    return pending.map((migration) => migration.version);
  });
}
