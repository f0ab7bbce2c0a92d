import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isAppError, newId } from "../../src/domain/index.ts";
import { createPgliteStore } from "../../src/store/index.ts";
import type { Store } from "../../src/store/index.ts";
import { describeStoreContract } from "./store-contract.ts";

describeStoreContract("PGlite store (in memory)", () => createPgliteStore({ memory: true }));

describe("PGlite store on a data dir", () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "lc-pglite-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  async function open(dataDir: string): Promise<Store> {
    const store = await createPgliteStore({ dataDir });
    cleanups.push(() => store.close());
    return store;
  }

  it("keeps a run across close and reopen, and releases the lock on close", async () => {
    const dataDir = await tempDir();
    const first = await createPgliteStore({ dataDir });
    const session = await first.createSession({ id: newId("ses"), tenant_id: "default", agent: "default", user_id: null });
    const run = await first.createRun(
      { id: newId("run"), session_id: session.id, tenant_id: "default", agent: "default", agent_id: "agent-1", user_id: null, metadata: { kept: true } },
      [{ type: "started" }],
    );
    expect(existsSync(join(dataDir, "loomcycle.lock"))).toBe(true);
    await first.close();
    expect(existsSync(join(dataDir, "loomcycle.lock"))).toBe(false);

    const second = await open(dataDir);
    expect(await second.getRun(run.id)).toEqual(run);
    expect((await second.listRunEvents(run.id, 0)).map((event) => event.event)).toEqual([{ type: "started" }]);
    expect(existsSync(join(dataDir, "pglite"))).toBe(true);
  });

  it("refuses a second open of a data dir that is in use, naming the holder", async () => {
    const dataDir = await tempDir();
    await open(dataDir);
    const error = await createPgliteStore({ dataDir }).catch((caught: unknown) => caught);
    expect(isAppError(error, "STORE_UNAVAILABLE")).toBe(true);
    expect((error as Error).message).toBe(
      `data dir ${dataDir} is in use by process ${process.pid} (another loomcycle?). Stop it, or pass --data-dir <other dir>.`,
    );
  });

  it("takes over a lock file left by a process that no longer exists", async () => {
    const dataDir = await tempDir();
    const deadPid = spawnSync(process.execPath, ["-e", ""]).pid;
    await writeFile(join(dataDir, "loomcycle.lock"), `${deadPid}\n`);
    const store = await open(dataDir);
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
