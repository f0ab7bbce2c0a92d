import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AppError } from "../domain/index.ts";
import { loadConfig } from "./load.ts";

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "lc-concurrency-"));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

function load(yaml: string | null, env: Record<string, string> = {}): ReturnType<typeof loadConfig> {
  if (yaml !== null) writeFileSync(join(root, "loomcycle.yaml"), yaml);
  return loadConfig({ cwd: root, env: { HOME: root, ...env } });
}

describe("concurrency: quotas and the queue bound", () => {
  it("defaults every limit to 0 (unlimited)", () => {
    expect(load(null).concurrency).toEqual({ maxConcurrentRunsPerUser: 0, maxConcurrentRunsPerTenant: 0, maxQueueDepth: 0 });
  });

  it("reads the yaml section (loomcycle's other keys there are accepted) and lets each variable override its key", () => {
    const yaml = "concurrency:\n  max_concurrent_runs_per_user: 2\n  max_concurrent_runs_per_tenant: 10\n  max_queue_depth: 50\n  queue_timeout_ms: 1000\n";
    expect(load(yaml).concurrency).toEqual({ maxConcurrentRunsPerUser: 2, maxConcurrentRunsPerTenant: 10, maxQueueDepth: 50 });
    const env = { LOOMCYCLE_MAX_CONCURRENT_RUNS_PER_USER: "3", LOOMCYCLE_MAX_CONCURRENT_RUNS_PER_TENANT: "0", LOOMCYCLE_MAX_QUEUE_DEPTH: "7" };
    expect(load(yaml, env).concurrency).toEqual({ maxConcurrentRunsPerUser: 3, maxConcurrentRunsPerTenant: 0, maxQueueDepth: 7 });
  });

  it("refuses a negative or non-numeric limit, naming the variable or key", () => {
    const refusal = (yaml: string | null, env: Record<string, string> = {}): string => {
      try {
        load(yaml, env);
      } catch (error) {
        expect((error as AppError).code).toBe("CONFIG_INVALID");
        return (error as AppError).message;
      }
      throw new Error("loadConfig did not throw");
    };
    expect(refusal(null, { LOOMCYCLE_MAX_CONCURRENT_RUNS_PER_USER: "two" })).toContain("LOOMCYCLE_MAX_CONCURRENT_RUNS_PER_USER");
    expect(refusal("concurrency:\n  max_queue_depth: -1\n")).toContain("max_queue_depth");
  });
});
