import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppError } from "../domain/index.ts";
import { loadConfig } from "./load.ts";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lc-cluster-"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const CLUSTER = { LOOMCYCLE_DATABASE_URL: "postgres://db.internal/lc", LOOMCYCLE_REDIS_URL: "redis://:s3cret@redis.internal:6379" };

function load(env: Record<string, string> = {}, role?: string): ReturnType<typeof loadConfig> {
  return loadConfig({ cwd: root, env: { HOME: root, ...env }, flags: role === undefined ? {} : { role } });
}

function refusal(env: Record<string, string>, role?: string): string {
  try {
    load(env, role);
  } catch (error) {
    expect((error as AppError).code).toBe("CONFIG_INVALID");
    return (error as AppError).message;
  }
  throw new Error("expected CONFIG_INVALID");
}

describe("cluster: --role and the Redis backends", () => {
  it("defaults to role all, embedded (no Redis)", () => {
    expect(load().cluster).toEqual({ role: "all", redisUrl: null, redisPrefix: "loomcycle", sweepIntervalMs: 10_000 });
  });

  it("reads LOOMCYCLE_ROLE, lets --role win, and takes the Redis URL, prefix and sweep interval", () => {
    const env = { ...CLUSTER, LOOMCYCLE_ROLE: "api", LOOMCYCLE_REDIS_PREFIX: "lc-prod", LOOMCYCLE_QUEUE_SWEEP_INTERVAL_MS: "2500" };
    expect(load(env).cluster).toEqual({ role: "api", redisUrl: CLUSTER.LOOMCYCLE_REDIS_URL, redisPrefix: "lc-prod", sweepIntervalMs: 2500 });
    expect(load(env, "WORKER").cluster?.role).toBe("worker");
  });

  it("refuses an unknown role, naming the flag or the variable", () => {
    expect(refusal(CLUSTER, "scheduler")).toContain('--role: expected one of api, worker, all, got "scheduler"');
    expect(refusal({ ...CLUSTER, LOOMCYCLE_ROLE: "both" })).toContain("LOOMCYCLE_ROLE");
  });

  it("refuses a split role without Redis, and Redis without Postgres, saying what to set", () => {
    expect(refusal({}, "worker")).toContain("role worker runs beside other processes: set LOOMCYCLE_REDIS_URL and LOOMCYCLE_DATABASE_URL");
    expect(refusal({ LOOMCYCLE_REDIS_URL: "redis://127.0.0.1:6379" })).toContain("LOOMCYCLE_REDIS_URL: the cluster queue needs a shared store: set LOOMCYCLE_DATABASE_URL");
  });

  it("refuses a Redis URL of another scheme without echoing it (it may hold a password)", () => {
    const message = refusal({ ...CLUSTER, LOOMCYCLE_REDIS_URL: "http://:hunter2@redis" });
    expect(message).toContain("LOOMCYCLE_REDIS_URL");
    expect(message).not.toContain("hunter2");
  });
});
