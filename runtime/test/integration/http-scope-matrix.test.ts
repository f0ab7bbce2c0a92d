import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPES, grantsScope } from "../../src/domain/index.ts";
import type { Scope } from "../../src/domain/index.ts";
import { isListedRoute, requirementOf } from "../../src/transports/http/route-scopes.ts";
import { call, mint } from "../support/auth-client.ts";
import { startTestRuntime } from "../support/test-runtime.ts";

type Runtime = Awaited<ReturnType<typeof startTestRuntime>>;

const SHARED = "matrix-shared-token-0123456789";

/** A concrete path for a route pattern: parameters and wildcards filled with names that exist nowhere. */
function concretePath(pattern: string): string {
  return pattern.replace("::", ":").replace(/\/:[A-Za-z0-9_]+/g, "/matrix-x").replace(/\*$/, "matrix-x/peek");
}

/** A token that lacks `scope`: the first single-scope token that does not grant it. */
function lackingScope(scope: Scope): Scope {
  const lacking = SCOPES.find((candidate) => !grantsScope([candidate], scope));
  if (lacking === undefined) throw new Error(`every scope grants ${scope}`);
  return lacking;
}

/**
 * The scope matrix: every route the app serves (enumerated from fastify, so a new route without
 * an entry in route-scopes.ts fails here) refuses a token lacking its scope with 403 and the
 * scope in WWW-Authenticate, and lets a token holding exactly that scope through auth.
 */
describe("scope matrix over every served route", () => {
  let runtime: Runtime;
  const tokens = new Map<Scope, string>();

  beforeAll(async () => {
    runtime = await startTestRuntime("pglite", { auth: { token: SHARED, pepper: "matrix", rotationGraceSeconds: 0 } });
    // The admin token last: minting it turns the shared token off.
    for (const scope of [...SCOPES].reverse()) {
      tokens.set(scope, await mint({ base: runtime.url, admin: SHARED, name: `only-${scope.replace(":", "-")}`, scopes: [scope] }));
    }
  });

  afterAll(async () => {
    await runtime.dispose();
  });

  it("lists every served route in route-scopes.ts", () => {
    expect(runtime.routes.length).toBeGreaterThan(30);
    const unlisted = runtime.routes.filter((route) => {
      const [method = "", url = ""] = route.split(" ");
      return !isListedRoute(method, url);
    });
    expect(unlisted).toEqual([]);
  });

  it("refuses a token lacking the route's scope with 403 and lets one holding it through", async () => {
    const checked: string[] = [];
    for (const route of runtime.routes) {
      const [method = "", url = ""] = route.split(" ");
      const requirement = requirementOf(method, url);
      if (requirement === "public" || requirement === "authenticated") continue;
      const path = concretePath(url);
      const body = method === "GET" ? undefined : {};
      const refused = await call({ base: runtime.url, method, path, token: tokens.get(lackingScope(requirement)), body });
      expect({ route, status: refused.status, challenge: refused.challenge, code: refused.body.code }).toEqual({
        route,
        status: 403,
        challenge: `Bearer scope="${requirement}"`,
        code: "forbidden",
      });
      const allowed = await call({ base: runtime.url, method, path, token: tokens.get(requirement), body });
      expect({ route, status: allowed.status }).not.toEqual({ route, status: 401 });
      expect({ route, status: allowed.status }).not.toEqual({ route, status: 403 });
      checked.push(route);
    }
    expect(checked).toEqual(expect.arrayContaining(["POST /v1/runs", "GET /v1/runs/:run_id/stream", "POST /v1/_operatortokendef", "GET /metrics", "POST /v1/hooks"]));
  });

  it("lets any valid token through an `authenticated` route and refuses a request without one", async () => {
    const authenticated = runtime.routes.filter((route) => {
      const [method = "", url = ""] = route.split(" ");
      return requirementOf(method, url) === "authenticated";
    });
    expect(authenticated).toContain("GET /v1/_me");
    for (const route of authenticated) {
      const [method = "", url = ""] = route.split(" ");
      expect((await call({ base: runtime.url, method, path: concretePath(url), token: tokens.get("channel:read") })).status).not.toBe(403);
      expect((await call({ base: runtime.url, method, path: concretePath(url) })).status).toBe(401);
    }
  });
});
