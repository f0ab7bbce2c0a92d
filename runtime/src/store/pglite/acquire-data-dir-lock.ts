import { readFile, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AppError } from "../../domain/index.ts";

/**
 * A lock file whose pid cannot be read may be one another process has just created and not yet
 * written; only after this long do we treat it as abandoned.
 */
const UNWRITTEN_LOCK_GRACE_MS = 5_000;

/** A held data-dir lock. */
export interface DataDirLock {
  /** Removes the lock file, unless another process has since taken it over. */
  release(): Promise<void>;
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(error) === "EPERM";
  }
}

async function readOwner(path: string): Promise<number | null> {
  const text = await readFile(path, "utf8").catch(() => "");
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    await writeFile(path, `${process.pid}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw new AppError("STORE_UNAVAILABLE", `cannot create lock file ${path}`, { cause: error });
  }
}

/** Throws "in use" when the lock is held by a live process; returns when it is abandoned. */
async function assertAbandoned(path: string, dataDir: string): Promise<void> {
  const owner = await readOwner(path);
  if (owner !== null && isAlive(owner)) {
    throw new AppError(
      "STORE_UNAVAILABLE",
      `data dir ${dataDir} is in use by process ${owner} (another loomcycle?). Stop it, or pass --data-dir <other dir>.`,
      { details: { dataDir, pid: owner } },
    );
  }
  const age = Date.now() - (await stat(path).catch(() => ({ mtimeMs: 0 }))).mtimeMs;
  if (owner === null && age < UNWRITTEN_LOCK_GRACE_MS) throw busy(dataDir);
}

function busy(dataDir: string): AppError {
  return new AppError("STORE_UNAVAILABLE", `data dir ${dataDir} is being opened by another process; try again.`, {
    retryable: true,
    details: { dataDir },
  });
}

/**
 * Takes the exclusive lock on a data dir before PGlite opens it (two PGlite instances on one
 * directory corrupt it): creates `<dataDir>/loomcycle.lock` holding our pid, taking over a lock
 * whose process is gone. Throws STORE_UNAVAILABLE when a live process holds it.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  const path = join(dataDir, "loomcycle.lock");
  const lock: DataDirLock = {
    async release(): Promise<void> {
      if ((await readOwner(path)) === process.pid) await unlink(path).catch(() => undefined);
    },
  };
  if (await tryCreate(path)) return lock;
  await assertAbandoned(path, dataDir);
  await unlink(path).catch(() => undefined);
  if (await tryCreate(path)) return lock;
  // Another process took the abandoned lock between our unlink and create.
  await assertAbandoned(path, dataDir);
  throw busy(dataDir);
}
