import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeCliDeps } from "../../../test/support/fake-cli-deps.ts";
import { runCli } from "../run-cli.ts";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lc-authcli-"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function tokenIn(file: string): string {
  return /^LOOMCYCLE_AUTH_TOKEN=(\S+)$/m.exec(readFileSync(file, "utf8"))?.[1] ?? "";
}

describe("loomcycle init --with-token", () => {
  it("writes a 0600 auth.env with a fresh token that serve and doctor load", async () => {
    const init = fakeCliDeps({ env: { HOME: root }, cwd: root });
    expect(await runCli(["init", "--path", ".", "--with-token"], init)).toBe(0);
    const file = join(root, "auth.env");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = tokenIn(file);
    expect(token).toMatch(/^lcs_[A-Za-z0-9_-]{43}$/);
    expect(init.out()).toContain(`wrote ${file} (mode 0600`);
    expect(init.out()).not.toContain(token);

    const serve = fakeCliDeps({ env: { HOME: root }, cwd: root });
    expect(await runCli(["serve"], serve)).toBe(0);
    expect(serve.started[0]?.auth?.token).toBe(token);

    const doctor = fakeCliDeps({ env: { HOME: root }, cwd: root });
    await runCli(["doctor", "--port", "0"], doctor);
    expect(doctor.out()).toContain(`✓ auth: LOOMCYCLE_AUTH_TOKEN set (from ${file})`);
  });

  it("lets the environment win over auth.env", async () => {
    expect(await runCli(["init", "--path", ".", "--with-token"], fakeCliDeps({ env: { HOME: root }, cwd: root }))).toBe(0);
    const serve = fakeCliDeps({ env: { HOME: root, LOOMCYCLE_AUTH_TOKEN: "from-the-environment" }, cwd: root });
    expect(await runCli(["serve"], serve)).toBe(0);
    expect(serve.started[0]?.auth?.token).toBe("from-the-environment");
  });

  it("never overwrites an existing auth.env without --force, and --force tightens its mode", async () => {
    const file = join(root, "auth.env");
    writeFileSync(file, "LOOMCYCLE_AUTH_TOKEN=mine-0123456789abcdef\n", { mode: 0o644 });
    const again = fakeCliDeps({ env: { HOME: root }, cwd: root });
    expect(await runCli(["init", "--path", ".", "--with-token"], again)).toBe(1);
    expect(again.err()).toContain(file);
    expect(tokenIn(file)).toBe("mine-0123456789abcdef");
    expect(await runCli(["init", "--path", ".", "--with-token", "--force"], fakeCliDeps({ env: { HOME: root }, cwd: root }))).toBe(0);
    expect(tokenIn(file)).not.toBe("mine-0123456789abcdef");
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("doctor flags an auth.env others can read, and open mode when no token is set", async () => {
    writeFileSync(join(root, "loomcycle.yaml"), "agents: {}\n");
    const open = fakeCliDeps({ env: { HOME: root }, cwd: root });
    await runCli(["doctor", "--port", "0"], open);
    expect(open.out()).toContain("! auth: no LOOMCYCLE_AUTH_TOKEN: open mode on 127.0.0.1");
    expect(open.out()).toContain("fix: run `loomcycle init --with-token`");

    writeFileSync(join(root, "auth.env"), "LOOMCYCLE_AUTH_TOKEN=exposed-0123456789abcdef\n", { mode: 0o644 });
    const exposed = fakeCliDeps({ env: { HOME: root }, cwd: root });
    expect(await runCli(["doctor", "--port", "0"], exposed)).toBe(1);
    expect(exposed.out()).toContain(`✗ auth: ${join(root, "auth.env")} is readable by other users`);
    expect(exposed.out()).toContain(`fix: chmod 600 ${join(root, "auth.env")}`);
  });
});

describe("loomcycle operator-token (usage errors)", () => {
  it("explains a missing action, name or env token before calling any server", async () => {
    const cases: [string[], string][] = [
      [["operator-token", "mint"], 'unknown action "mint" (actions: create, list, rotate, retire, get)'],
      [["operator-token", "create"], "create needs --name"],
      [["operator-token", "retire"], "retire needs --name or --def-id"],
      [["operator-token", "create", "--name", "a", "--copy-from-env"], "--copy-from-env imports LOOMCYCLE_AUTH_TOKEN, which is not set"],
      [["operator-token", "rotate", "--name", "a", "--grace-seconds", "soon"], "--grace-seconds: expected a whole number of seconds"],
    ];
    for (const [argv, message] of cases) {
      const fake = fakeCliDeps({ env: { HOME: root }, cwd: root });
      expect(await runCli([...argv, "--target", "http://127.0.0.1:1"], fake)).toBe(2);
      expect(fake.err()).toContain(message);
    }
  });
});

describe("loomcycle run with a token", () => {
  it("sends LOOMCYCLE_AUTH_TOKEN from auth.env as the bearer, and explains a 401", async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(401, { "content-type": "application/json", "www-authenticate": "Bearer" });
      response.end(JSON.stringify({ code: "unauthenticated", error: "missing or invalid bearer token" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      writeFileSync(join(root, "loomcycle.yaml"), "agents: {}\n");
      writeFileSync(join(root, "auth.env"), "LOOMCYCLE_AUTH_TOKEN=run-token-0123456789\n", { mode: 0o600 });
      const fake = fakeCliDeps({ env: { HOME: root }, cwd: root });
      expect(await runCli(["run", "default", "hi", "--base-url", base], fake)).toBe(1);
      expect(seen).toEqual(["Bearer run-token-0123456789"]);
      expect(fake.err()).toContain("unauthenticated: missing or invalid bearer token");
      expect(fake.err()).toContain("the server requires a token: set LOOMCYCLE_AUTH_TOKEN");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
