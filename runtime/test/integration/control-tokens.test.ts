import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../support/auth-client.ts";
import { startServer } from "../support/server-process.ts";
import type { ServerProcess } from "../support/server-process.ts";
import { isolatedDatabaseUrl } from "../support/test-runtime.ts";

/**
 * Token revocation over the control backplane: a token written on B is announced
 * (`token_changed`), so A drops its cached token census at once instead of after its 2 s TTL.
 */

const SHARED = "shared-secret-token-0123456789";
/** A's token census is trusted this long without a notice; the test must see the change well before. */
const CENSUS_TTL_MS = 2_000;

const cleanup: (() => Promise<void>)[] = [];
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "lc-control-tokens-"));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const database = await isolatedDatabaseUrl();
  cleanup.push(database.dispose);
  const env = { LOOMCYCLE_DATABASE_URL: database.url, LOOMCYCLE_AUTH_TOKEN: SHARED, LOOMCYCLE_OPERATOR_TOKEN_PEPPER: "test-pepper" };
  for (const name of ["a", "b"]) {
    const server = await startServer({ args: ["--data-dir", join(dir, name)], env });
    cleanup.push(() => server.stop("SIGKILL"));
    if (name === "a") a = server;
    else b = server;
  }
}, 60_000);

afterAll(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
});

describe("token changes across processes", () => {
  it("an admin token minted on B turns the shared token off on A at once, not after A's census TTL", { timeout: 15_000 }, async () => {
    // Let the census A read at start-up expire, so this request reads it afresh: without a notice A
    // would now trust it for a full TTL.
    await new Promise((resolve) => setTimeout(resolve, CENSUS_TTL_MS + 100));
    expect((await call({ base: a.url, method: "GET", path: "/v1/_me", token: SHARED })).status).toBe(200);
    const censusRead = performance.now();

    const created = await call({
      base: b.url,
      method: "POST",
      path: "/v1/_operatortokendef",
      token: SHARED,
      body: { op: "create", name: "ops-admin", tenant_id: "default", subject: "ops", scopes: ["substrate:admin"] },
    });
    expect(created.status).toBe(200);

    // An admin token exists now, so the shared token is refused everywhere.
    let refusedAfter = Number.POSITIVE_INFINITY;
    while (performance.now() - censusRead < CENSUS_TTL_MS + 1_000) {
      if ((await call({ base: a.url, method: "GET", path: "/v1/_me", token: SHARED })).status === 401) {
        refusedAfter = performance.now() - censusRead;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    console.log(`shared token refused on A ${refusedAfter.toFixed(1)} ms after A read its census`);
    expect(refusedAfter).toBeLessThan(CENSUS_TTL_MS / 2);
    expect((await call({ base: a.url, method: "GET", path: "/v1/_me", token: created.body.token })).body).toMatchObject({ subject: "ops", is_admin: true });
  });
});
