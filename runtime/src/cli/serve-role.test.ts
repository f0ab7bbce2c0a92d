import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeCliDeps } from "../../test/support/fake-cli-deps.ts";
import { runCli } from "./run-cli.ts";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lc-cli-role-"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const CLUSTER = { LOOMCYCLE_DATABASE_URL: "postgres://db.internal/lc", LOOMCYCLE_REDIS_URL: "redis://:s3cret@redis.internal:6379", LOOMCYCLE_REDIS_PREFIX: "lc-prod" };

function deps(env: Record<string, string> = {}): ReturnType<typeof fakeCliDeps> {
  return fakeCliDeps({ env: { HOME: root, ...env }, cwd: root });
}

describe("loomcycle serve --role", () => {
  it("starts a worker with the role and says so, never printing the Redis URL", async () => {
    const fake = deps(CLUSTER);
    expect(await runCli(["serve", "--role", "worker"], fake)).toBe(0);
    expect(fake.started[0]?.cluster).toMatchObject({ role: "worker", redisPrefix: "lc-prod" });
    expect(fake.out()).toContain("role: worker (health and metrics only) · queue: redis (lc-prod)");
    expect(fake.out()).not.toContain("s3cret");
  });

  it("takes LOOMCYCLE_ROLE when no flag is given, and says nothing about roles when embedded", async () => {
    const api = deps({ ...CLUSTER, LOOMCYCLE_ROLE: "api" });
    expect(await runCli(["serve"], api)).toBe(0);
    expect(api.started[0]?.cluster?.role).toBe("api");
    const embedded = deps();
    expect(await runCli(["serve"], embedded)).toBe(0);
    expect(embedded.out()).not.toContain("role:");
  });

  it("exits 2 naming --role for an unknown role, and for a split role without Redis", async () => {
    const bogus = deps(CLUSTER);
    expect(await runCli(["serve", "--role", "scheduler"], bogus)).toBe(2);
    expect(bogus.err()).toContain('--role: expected one of api, worker, all, got "scheduler"');
    const alone = deps();
    expect(await runCli(["serve", "--role", "api"], alone)).toBe(2);
    expect(alone.err()).toContain("set LOOMCYCLE_REDIS_URL and LOOMCYCLE_DATABASE_URL");
    expect(alone.started).toHaveLength(0);
  });

  it("lists --role in serve's help", async () => {
    const fake = deps();
    expect(await runCli(["serve", "--help"], fake)).toBe(0);
    expect(fake.out()).toContain("--role <role>");
  });

  it("runs an embedded `loomcycle run` as role all even when LOOMCYCLE_ROLE says api (it must execute its own run)", async () => {
    const roles: (string | undefined)[] = [];
    const fake = fakeCliDeps({
      env: { HOME: root, ...CLUSTER, LOOMCYCLE_ROLE: "api", LOOMCYCLE_BASE_URL: `http://127.0.0.1:${await closedPort()}` },
      cwd: root,
      startRuntime: (config) => {
        roles.push(config.cluster?.role);
        return Promise.reject(new Error("stop here"));
      },
    });
    expect(await runCli(["run", "default", "hi"], fake)).toBe(1);
    expect(fake.err()).toContain("stop here");
    expect(roles).toEqual(["all"]);
  });
});

/** A port nothing listens on (bound, then closed again), so the CLI falls back to embedded. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 1;
}
