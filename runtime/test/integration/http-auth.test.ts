import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/main.ts";
import { isAppError, silentLogger } from "../../src/domain/index.ts";
import { call, mint } from "../support/auth-client.ts";
import { isolatedStore, startTestRuntime, testConfig } from "../support/test-runtime.ts";

type Runtime = Awaited<ReturnType<typeof startTestRuntime>>;

const SHARED = "shared-secret-token-0123456789";
const AUTH = { token: SHARED, pepper: "test-pepper", rotationGraceSeconds: 0 };

describe("bearer auth with the shared token", () => {
  let runtime: Runtime;
  const get = (path: string, token?: string): ReturnType<typeof call> => call({ base: runtime.url, method: "GET", path, token });

  beforeAll(async () => {
    runtime = await startTestRuntime("pglite", { auth: AUTH });
  });

  afterAll(async () => {
    await runtime.dispose();
  });

  it("refuses a missing or unknown bearer with the same opaque 401 and a Bearer challenge", async () => {
    const missing = await get("/v1/_me");
    const wrong = await get("/v1/_me", "not-a-token");
    const wrongMinted = await get("/v1/_me", `lct_0123456789abcdef_${"A".repeat(43)}`);
    for (const answer of [missing, wrong, wrongMinted]) {
      expect(answer.status).toBe(401);
      expect(answer.challenge).toBe("Bearer");
      expect(answer.body).toEqual({ code: "unauthenticated", error: "missing or invalid bearer token (send Authorization: Bearer <token>)" });
    }
    expect((await get("/v1/runs/nope", "wrong")).status).toBe(401);
    expect((await get("/v1/no-such-route")).status).toBe(401);
  });

  it("serves /healthz and /readyz to anyone, /metrics only to an admin", async () => {
    expect((await get("/healthz")).status).toBe(200);
    expect((await get("/readyz", "garbage")).status).toBe(200);
    expect((await get("/metrics")).status).toBe(401);
    expect((await get("/metrics", SHARED)).status).toBe(200);
  });

  it("GET /v1/_me describes the shared token's principal", async () => {
    const me = await get("/v1/_me", SHARED);
    expect(me).toMatchObject({ status: 200, body: { tenant_id: "default", subject: "default", scopes: ["substrate:admin"], is_admin: true, legacy: true, open_mode: false } });
  });

  it("mints a token bound to tenant, subject and scopes, shown once, and /v1/_me reports that binding", async () => {
    const created = await call({
      base: runtime.url,
      method: "POST",
      path: "/v1/_operatortokendef",
      token: SHARED,
      body: { op: "create", name: "alice-reader", tenant_id: "acme", subject: "alice", scopes: ["runs:read"] },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: "alice-reader", tenant_id: "acme", subject: "alice", scopes: ["runs:read"], status: "active", imported: false });
    expect(created.body.token).toMatch(/^lct_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(created.body)).not.toMatch(/hash|salt|lookup/);
    const me = await get("/v1/_me", created.body.token);
    expect(me.body).toEqual({ tenant_id: "acme", subject: "alice", scopes: ["runs:read"], is_admin: false, legacy: false, open_mode: false });
    const fetched = await call({ base: runtime.url, method: "POST", path: "/v1/_operatortokendef", token: SHARED, body: { op: "get", name: "alice-reader" } });
    expect(fetched.body.token).toBeUndefined();
    expect(fetched.body.def_id).toBe(created.body.def_id);
  });

  it("refuses bad token requests with a 400 naming the field", async () => {
    const post = (body: unknown): ReturnType<typeof call> => call({ base: runtime.url, method: "POST", path: "/v1/_operatortokendef", token: SHARED, body });
    const unknownScope = await post({ op: "create", name: "x", scopes: ["runs:read", "memory:write"] });
    expect(unknownScope.status).toBe(400);
    expect(unknownScope.body.error).toMatch(/^scopes\[1\]: unknown scope "memory:write" \(known: substrate:admin, /);
    expect((await post({ op: "create" })).body.error).toBe("name: required for op create");
    expect((await post({ op: "rotate" })).body.error).toBe("name: op rotate needs name or def_id");
    expect((await post({ op: "retire", name: "x", scopes: ["runs:read"] })).body.error).toBe("scopes: not used by op retire (it reads name, def_id)");
    expect((await post({ op: "mint", name: "x" })).body.error).toMatch(/^op: /);
    expect((await post({ op: "create", name: "bad name" })).body.error).toMatch(/^name: /);
    expect((await post({ op: "create", name: "short-import", import_token: "tiny" })).body.error).toMatch(/^import_token: expected at least 16 characters/);
    const dup = await post({ op: "create", name: "dup", scopes: ["runs:read"] });
    expect(dup.status).toBe(200);
    expect(await post({ op: "create", name: "dup", scopes: ["runs:read"] })).toMatchObject({ status: 409, body: { code: "token_name_in_use" } });
    expect(await post({ op: "get", def_id: "otd_missing" })).toMatchObject({ status: 404, body: { code: "not_found" } });
  });

  it("refuses a retired token on its very next request", async () => {
    const token = await mint({ base: runtime.url, admin: SHARED, name: "short-lived", scopes: ["runs:read"] });
    expect((await get("/v1/_me", token)).status).toBe(200);
    const retired = await call({ base: runtime.url, method: "POST", path: "/v1/_operatortokendef", token: SHARED, body: { op: "retire", name: "short-lived" } });
    expect(retired.body.retired).toEqual([expect.objectContaining({ name: "short-lived", status: "retired" })]);
    expect((await get("/v1/_me", token)).status).toBe(401);
  });

  it("rotate issues a new secret and refuses the old one at once (or after the grace asked for)", async () => {
    const old = await mint({ base: runtime.url, admin: SHARED, name: "rotating", scopes: ["runs:read"] });
    const post = (body: unknown): ReturnType<typeof call> => call({ base: runtime.url, method: "POST", path: "/v1/_operatortokendef", token: SHARED, body });
    const rotated = await post({ op: "rotate", name: "rotating" });
    expect(rotated.body).toMatchObject({ name: "rotating", subject: "rotating", scopes: ["runs:read"], status: "active" });
    expect(rotated.body.token).not.toBe(old);
    expect((await get("/v1/_me", old)).status).toBe(401);
    expect((await get("/v1/_me", rotated.body.token)).status).toBe(200);

    const graced = await post({ op: "rotate", name: "rotating", grace_seconds: 60 });
    expect((await get("/v1/_me", rotated.body.token)).status).toBe(200);
    expect((await get("/v1/_me", graced.body.token)).status).toBe(200);
    await post({ op: "retire", name: "rotating" });
    expect((await get("/v1/_me", rotated.body.token)).status).toBe(401);
    expect((await get("/v1/_me", graced.body.token)).status).toBe(401);
  });

  it("turns the shared token off once an admin token exists, and on again when it is retired", async () => {
    const admin = await mint({ base: runtime.url, admin: SHARED, name: "first-admin", scopes: ["substrate:admin"] });
    expect((await get("/v1/_me", SHARED)).status).toBe(401);
    expect((await get("/v1/_me", admin)).body).toMatchObject({ is_admin: true, legacy: false });
    const names = await get("/v1/_operatortokendef/names", admin);
    expect(names.body.names.map((entry: { name: string }) => entry.name)).toContain("first-admin");
    await call({ base: runtime.url, method: "POST", path: "/v1/_operatortokendef", token: admin, body: { op: "retire", name: "first-admin" } });
    expect((await get("/v1/_me", admin)).status).toBe(401);
    expect((await get("/v1/_me", SHARED)).status).toBe(200);
  });

  it("keeps clients working when the shared token is imported as the admin token (--copy-from-env)", async () => {
    const imported = await call({ base: runtime.url, method: "POST", path: "/v1/_operatortokendef", token: SHARED, body: { op: "create", name: "imported-admin", import_token: SHARED } });
    expect(imported.body).toMatchObject({ name: "imported-admin", imported: true, token: null, scopes: ["substrate:admin"] });
    const me = await get("/v1/_me", SHARED);
    expect(me.body).toMatchObject({ subject: "tok-imported-admin", legacy: false, is_admin: true });
    const stored = await runtime.store.tokens.get({ name: "imported-admin" });
    expect(JSON.stringify(stored)).not.toContain(SHARED);
    await call({ base: runtime.url, method: "POST", path: "/v1/_operatortokendef", token: SHARED, body: { op: "retire", name: "imported-admin" } });
    expect((await get("/v1/_me", SHARED)).body).toMatchObject({ legacy: true });
  });
});

describe("open mode", () => {
  let runtime: Runtime | undefined;

  afterEach(async () => {
    await runtime?.dispose();
    runtime = undefined;
  });

  it("serves every caller as an admin while no token exists, and requires one from the first minted token on", async () => {
    runtime = await startTestRuntime("pglite");
    const me = await call({ base: runtime.url, method: "GET", path: "/v1/_me" });
    expect(me.body).toEqual({ tenant_id: "default", subject: "default", scopes: ["substrate:admin"], is_admin: true, legacy: false, open_mode: true });
    const token = await mint({ base: runtime.url, name: "ops", scopes: ["runs:read"] });
    expect((await call({ base: runtime.url, method: "GET", path: "/v1/_me" })).status).toBe(401);
    expect((await call({ base: runtime.url, method: "GET", path: "/v1/_me", token })).body).toMatchObject({ subject: "ops", open_mode: false });
  });

  it("refuses to start on a non-loopback address with no token, saying how to fix it", async () => {
    const { store, dispose } = await isolatedStore("pglite");
    try {
      const error = await createRuntime(testConfig({ listen: { host: "0.0.0.0", port: 0 } }), { logger: silentLogger, store }).catch((caught: unknown) => caught);
      expect(isAppError(error, "CONFIG_INVALID")).toBe(true);
      expect((error as Error).message).toContain("loomcycle listens on 0.0.0.0, which is not a loopback address, and no auth token is configured");
      expect((error as Error).message).toContain("Run `loomcycle init --with-token` (writes auth.env, which serve loads) or set LOOMCYCLE_AUTH_TOKEN");
    } finally {
      await store.close();
      await dispose();
    }
  });

  it("starts on a non-loopback address when a token is configured", async () => {
    runtime = await startTestRuntime("pglite", { listen: { host: "0.0.0.0", port: 0 }, auth: AUTH });
    const base = runtime.url.replace("0.0.0.0", "127.0.0.1");
    expect((await call({ base, method: "GET", path: "/v1/_me" })).status).toBe(401);
    expect((await call({ base, method: "GET", path: "/v1/_me", token: SHARED })).status).toBe(200);
  });
});
