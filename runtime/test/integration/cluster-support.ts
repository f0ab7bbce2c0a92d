import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { Redis } from "ioredis";
import { startServer } from "../support/server-process.ts";
import type { ServerProcess } from "../support/server-process.ts";
import { isolatedDatabaseUrl } from "../support/test-runtime.ts";

/** The Redis the cluster tests use (ensure-services.sh starts it). */
export const TEST_REDIS_URL = process.env["LOOMCYCLE_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379";

/** A mock agent that plays `metadata.mock_script` with Context as its one tool. */
const SLOW_AGENT = `---
name: slow
description: a long scripted run
provider: mock
model: mock-tools
tools: Context
max_iterations: 40
---
Follow the script.
`;

/** A cluster of separate OS processes over one Postgres database and one Redis prefix. */
export interface Cluster {
  apis: ServerProcess[];
  workers: ServerProcess[];
  databaseUrl: string;
  prefix: string;
  /** Starts one more api process on the same database and prefix, with `env` overriding the cluster's. */
  bootApi(env: Record<string, string>): Promise<ServerProcess>;
  /** Starts one more worker process (e.g. to replace a killed one); it is added to `workers`. */
  bootWorker(env?: Record<string, string>): Promise<ServerProcess>;
  /** The run's resume_count (how often it was taken back from a dead process). */
  resumeCount(runId: string): Promise<number>;
  /** The pid in the owner id of the process executing the run now (null when none does). */
  ownerPid(runId: string): Promise<number | null>;
  dispose(): Promise<void>;
}

/**
 * Starts `apis` api processes and `workers` worker processes (`loomcycle serve --role=…`) on a
 * fresh database and a fresh Redis key prefix, with heartbeats fast enough for crash tests.
 */
export async function startCluster(options: {
  apis: number;
  workers: number;
  env?: Record<string, string>;
  /** Use this database as it is (e.g. a private server a chaos test restarts) instead of a fresh one on the shared server. */
  databaseUrl?: string;
  /** Use this Redis instead of the shared one. */
  redisUrl?: string;
  /** More agent files (name → markdown) beside `slow`. */
  agents?: Record<string, string>;
}): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), "lc-cluster-"));
  await mkdir(join(dir, "agents"));
  await writeFile(join(dir, "agents", "slow.md"), SLOW_AGENT);
  for (const [name, text] of Object.entries(options.agents ?? {})) await writeFile(join(dir, "agents", `${name}.md`), text);
  const database = options.databaseUrl === undefined ? await isolatedDatabaseUrl() : { url: options.databaseUrl, dispose: async () => undefined };
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const prefix = `lc-test-${Math.random().toString(36).slice(2, 10)}`;
  const env: Record<string, string> = {
    LOOMCYCLE_DATABASE_URL: database.url,
    LOOMCYCLE_REDIS_URL: redisUrl,
    LOOMCYCLE_REDIS_PREFIX: prefix,
    LOOMCYCLE_HEARTBEAT_INTERVAL_MS: "200",
    LOOMCYCLE_HEARTBEAT_STALE_MS: "2000",
    LOOMCYCLE_QUEUE_SWEEP_INTERVAL_MS: "500",
    ...options.env,
  };
  const extra: ServerProcess[] = [];
  const boot = (role: string, overrides: Record<string, string> = {}): Promise<ServerProcess> =>
    startServer({ args: ["--role", role, "--data-dir", join(dir, "data"), "--agents-dir", join(dir, "agents")], env: { ...env, ...overrides } });
  // The first process migrates the database; the others start once it is up.
  const first = await boot("api");
  const apis = [first, ...(await Promise.all(Array.from({ length: options.apis - 1 }, () => boot("api"))))];
  const workers = await Promise.all(Array.from({ length: options.workers }, () => boot("worker")));
  const runRow = async (runId: string): Promise<{ owner_id: string | null; resume_count: number } | undefined> => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const result = await client.query<{ owner_id: string | null; resume_count: number }>("select owner_id, resume_count from runs where id = $1", [runId]);
      return result.rows[0];
    } finally {
      await client.end();
    }
  };
  const ownerPid = async (runId: string): Promise<number | null> => {
    const owner = (await runRow(runId))?.owner_id ?? null;
    return owner === null ? null : Number(owner.split(":")[1]);
  };
  const resumeCount = async (runId: string): Promise<number> => (await runRow(runId))?.resume_count ?? -1;
  const bootApi = async (overrides: Record<string, string>): Promise<ServerProcess> => {
    const server = await boot("api", overrides);
    extra.push(server);
    return server;
  };
  const bootWorker = async (overrides: Record<string, string> = {}): Promise<ServerProcess> => {
    const server = await boot("worker", overrides);
    workers.push(server);
    return server;
  };
  const dispose = async (): Promise<void> => {
    await Promise.all([...apis, ...workers, ...extra].map((server) => server.stop("SIGKILL")));
    await database.dispose();
    await deleteRedisPrefix(prefix, redisUrl).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  return { apis, workers, databaseUrl: database.url, prefix, bootApi, bootWorker, ownerPid, resumeCount, dispose };
}

/** Removes every Redis key of a test's prefix. */
async function deleteRedisPrefix(prefix: string, redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** Polls `check` every 100 ms until it holds, or fails after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("condition not met in time");
}

/** A script of `calls` Context calls, each model call taking `delayMs`, then a final text. */
export function slowScript(calls: number, delayMs: number): unknown[] {
  return [...Array.from({ length: calls }, () => ({ tool: "Context", input: { op: "self" }, delay_ms: delayMs })), { text: "all done", delay_ms: delayMs }];
}
