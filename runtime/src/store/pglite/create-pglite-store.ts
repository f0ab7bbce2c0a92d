import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import type { Store } from "../ports.ts";
import { migrate } from "../sql/migrate.ts";
import type { SqlClient } from "../sql/sql-client.ts";
import { SqlStore } from "../sql/sql-store.ts";
import { acquireDataDirLock } from "./acquire-data-dir-lock.ts";
import type { DataDirLock } from "./acquire-data-dir-lock.ts";
import { createPgliteSqlClient } from "./create-pglite-sql-client.ts";

/** Where the embedded store lives: files under `<dataDir>/pglite`, or nothing on disk (tests). */
export type PgliteStoreOptions = { dataDir: string } | { memory: true };

/** pgvector for vector memory; the memory store runs `create extension` on first use. */
const EXTENSIONS = { vector };

async function openDatabase(options: PgliteStoreOptions): Promise<{ db: PGlite; lock: DataDirLock | null; description: string }> {
  if (!("dataDir" in options)) return { db: await PGlite.create({ extensions: EXTENSIONS }), lock: null, description: "pglite (in memory)" };
  await mkdir(options.dataDir, { recursive: true });
  const lock = await acquireDataDirLock(options.dataDir);
  const directory = join(options.dataDir, "pglite");
  try {
    return { db: await PGlite.create({ dataDir: directory, extensions: EXTENSIONS }), lock, description: `pglite ${directory}` };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/**
 * Opens the embedded store (PostgreSQL in WASM), used when no database URL is configured: takes
 * the data dir's lock, opens PGlite, migrates. `close()` shuts PGlite down (an open instance
 * keeps the process alive) and then releases the lock.
 */
export async function createPgliteStore(options: PgliteStoreOptions): Promise<Store> {
  const { db, lock, description } = await openDatabase(options);
  const inner = createPgliteSqlClient(db);
  let closing: Promise<void> | undefined;
  const client: SqlClient = {
    ...inner,
    close: () => {
      closing ??= inner.close().finally(() => lock?.release());
      return closing;
    },
  };
  try {
    await migrate(client);
  } catch (error) {
    await client.close();
    throw error;
  }
  return new SqlStore({ client, description });
}
