import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authEnvPath, isLoopbackHost, parseAuthEnv, withAuthEnv } from "./auth-env-file.ts";
import { loadConfig } from "./load.ts";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lc-authenv-"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("auth.env", () => {
  it("parses KEY=value lines, keeping only the auth variables", () => {
    const text = '# comment\nexport LOOMCYCLE_AUTH_TOKEN="abc def"\nLOOMCYCLE_OPERATOR_TOKEN_PEPPER=pep\nLOOMCYCLE_DATABASE_URL=postgres://x\nPATH=/evil\n';
    expect(parseAuthEnv(text)).toEqual({ LOOMCYCLE_AUTH_TOKEN: "abc def", LOOMCYCLE_OPERATOR_TOKEN_PEPPER: "pep" });
  });

  it("lives beside the config file serve reads, else in the default config dir", () => {
    expect(authEnvPath({ env: { HOME: root }, cwd: root, configFlag: undefined })).toBe(join(root, ".config", "loomcycle", "auth.env"));
    writeFileSync(join(root, "loomcycle.yaml"), "agents: {}\n");
    expect(authEnvPath({ env: { HOME: root }, cwd: root, configFlag: undefined })).toBe(join(root, "auth.env"));
    mkdirSync(join(root, "etc"));
    writeFileSync(join(root, "etc", "lc.yaml"), "agents: {}\n");
    expect(authEnvPath({ env: { HOME: root }, cwd: root, configFlag: "etc/lc.yaml" })).toBe(join(root, "etc", "auth.env"));
  });

  it("fills the token from the file, but the environment wins, and reports a file others can read", () => {
    const file = join(root, ".config", "loomcycle", "auth.env");
    mkdirSync(join(root, ".config", "loomcycle"), { recursive: true });
    writeFileSync(file, "LOOMCYCLE_AUTH_TOKEN=from-file-token-123\n", { mode: 0o600 });
    const loaded = withAuthEnv({ env: { HOME: root, LOOMCYCLE_AUTH_TOKEN: "" }, cwd: root, configFlag: undefined });
    expect(loaded).toMatchObject({ file, exposed: false, fromFile: ["LOOMCYCLE_AUTH_TOKEN"] });
    expect(loadConfig({ env: loaded.env, cwd: root }).auth).toEqual({ token: "from-file-token-123", pepper: "", rotationGraceSeconds: 0, sealingKey: null });

    const env = withAuthEnv({ env: { HOME: root, LOOMCYCLE_AUTH_TOKEN: "from-env" }, cwd: root, configFlag: undefined });
    expect(env.env["LOOMCYCLE_AUTH_TOKEN"]).toBe("from-env");
    expect(env.fromFile).toEqual([]);
    chmodSync(file, 0o644);
    expect(withAuthEnv({ env: { HOME: root }, cwd: root, configFlag: undefined }).exposed).toBe(true);
  });

  it("reads the auth variables and refuses a token with whitespace without echoing it", () => {
    const config = loadConfig({ env: { HOME: root, LOOMCYCLE_OPERATOR_TOKEN_PEPPER: "p", LOOMCYCLE_OPERATOR_TOKEN_ROTATION_GRACE_SECONDS: "30" }, cwd: root });
    expect(config.auth).toEqual({ token: null, pepper: "p", rotationGraceSeconds: 30, sealingKey: null });
    expect(() => loadConfig({ env: { HOME: root, LOOMCYCLE_AUTH_TOKEN: "two words" }, cwd: root })).toThrow(/LOOMCYCLE_AUTH_TOKEN: expected a token without whitespace$/m);
  });

  it("knows loopback hosts", () => {
    expect(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"].every(isLoopbackHost)).toBe(true);
    expect(["0.0.0.0", "::", "10.0.0.1", "example.com"].some(isLoopbackHost)).toBe(false);
  });
});
