import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/index.ts";
import { call } from "../support/auth-client.ts";
import { fakeCliDeps } from "../support/fake-cli-deps.ts";
import { startServer } from "../support/server-process.ts";
import { startTestRuntime } from "../support/test-runtime.ts";

type Runtime = Awaited<ReturnType<typeof startTestRuntime>>;

const SHARED = "cli-shared-token-0123456789abcdef";

/** A port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe("loomcycle operator-token against a running runtime", () => {
  let runtime: Runtime;
  let home: string;

  beforeAll(async () => {
    runtime = await startTestRuntime("pglite", { auth: { token: SHARED, pepper: "cli", rotationGraceSeconds: 0 } });
    home = mkdtempSync(join(tmpdir(), "lc-cli-token-"));
  });

  afterAll(async () => {
    await runtime.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  async function cli(args: string[], env: Record<string, string> = { LOOMCYCLE_AUTH_TOKEN: SHARED }): Promise<{ code: number; out: string; err: string }> {
    const fake = fakeCliDeps({ env: { HOME: home, ...env }, cwd: home });
    const code = await runCli(["operator-token", ...args, "--target", runtime.url], fake);
    return { code, out: fake.out(), err: fake.err() };
  }

  it("creates, lists, rotates and retires a token, printing the plaintext once", async () => {
    const created = await cli(["create", "--name", "ci", "--tenant", "acme", "--subject", "ci-bot", "--scopes", "runs:create,runs:read"]);
    expect(created.code).toBe(0);
    expect(created.out).toContain("ci  otd_");
    expect(created.out).toContain("tenant=acme  subject=ci-bot  scopes=runs:create,runs:read  active");
    const token = /token \(shown once; store it now\):\n(\S+)/.exec(created.out)?.[1] ?? "";
    expect((await call({ base: runtime.url, method: "GET", path: "/v1/_me", token })).body).toMatchObject({ tenant_id: "acme", subject: "ci-bot" });

    const listed = await cli(["list", "--tenant", "acme"]);
    expect(listed.out).toMatch(/^ci {2}otd_\S+ {2}tenant=acme/m);
    expect(listed.out).not.toContain(token);

    const rotated = await cli(["rotate", "--name", "ci"]);
    const next = /token \(shown once; store it now\):\n(\S+)/.exec(rotated.out)?.[1] ?? "";
    expect(next).not.toBe(token);
    expect((await call({ base: runtime.url, method: "GET", path: "/v1/_me", token })).status).toBe(401);
    expect((await call({ base: runtime.url, method: "GET", path: "/v1/_me", token: next })).status).toBe(200);

    const retired = await cli(["retire", "--name", "ci"]);
    expect(retired.out).toMatch(/^retired ci {2}otd_/m);
    expect((await call({ base: runtime.url, method: "GET", path: "/v1/_me", token: next })).status).toBe(401);
  });

  it("prints the server's refusal with the fix", async () => {
    const unknownScope = await cli(["create", "--name", "bad", "--scopes", "runs:fly"]);
    expect(unknownScope.code).toBe(2);
    expect(unknownScope.err).toContain('invalid_argument: scopes[0]: unknown scope "runs:fly"');
    const noToken = await cli(["list"], {});
    expect(noToken.code).toBe(1);
    expect(noToken.err).toContain("unauthenticated");
    expect(noToken.err).toContain("fix: set LOOMCYCLE_AUTH_TOKEN (environment or auth.env) to an admin token of that instance");
    const closed = await closedPort();
    const fake = fakeCliDeps({ env: { HOME: home, LOOMCYCLE_AUTH_TOKEN: SHARED }, cwd: home });
    expect(await runCli(["operator-token", "list", "--target", `http://127.0.0.1:${closed}`], fake)).toBe(1);
    expect(fake.err()).toContain(`no loomcycle at http://127.0.0.1:${closed} (connection refused): start one with loomcycle serve, or pass --target <url>`);
  });

  it("--copy-from-env keeps the shared token working as the first admin token", async () => {
    const imported = await cli(["create", "--name", "admin", "--copy-from-env"]);
    expect(imported.code).toBe(0);
    expect(imported.out).toContain("imported LOOMCYCLE_AUTH_TOKEN: clients keep sending the same token");
    expect((await call({ base: runtime.url, method: "GET", path: "/v1/_me", token: SHARED })).body).toMatchObject({ subject: "tok-admin", legacy: false, is_admin: true });
    expect((await cli(["list"])).out).toMatch(/^admin {2}otd_\S+ {2}tenant=default {2}subject=tok-admin {2}scopes=substrate:admin {2}active$/m);
  });
});

describe("loomcycle serve with auth.env", () => {
  it("init --with-token writes auth.env and a served process requires its token", async () => {
    const root = mkdtempSync(join(tmpdir(), "lc-serve-auth-"));
    const init = fakeCliDeps({ env: { HOME: root }, cwd: root });
    expect(await runCli(["init", "--path", root, "--with-token"], init)).toBe(0);
    const token = /^LOOMCYCLE_AUTH_TOKEN=(\S+)$/m.exec(readFileSync(join(root, "auth.env"), "utf8"))?.[1] ?? "";
    const server = await startServer({
      args: ["--config", join(root, "loomcycle.yaml"), "--data-dir", join(root, "data")],
      env: { HOME: root, LOOMCYCLE_AUTH_TOKEN: "", LOOMCYCLE_DATABASE_URL: "" },
    });
    try {
      expect((await call({ base: server.url, method: "GET", path: "/v1/_me" })).status).toBe(401);
      expect((await call({ base: server.url, method: "GET", path: "/v1/_me", token })).body).toMatchObject({ legacy: true, is_admin: true });
    } finally {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
