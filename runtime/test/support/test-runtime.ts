import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Config } from "../../src/config/index.ts";
import type { z } from "zod";
import type { Agent } from "../../src/domain/index.ts";
import { AgentSpec, silentLogger } from "../../src/domain/index.ts";
import { createRuntime } from "../../src/main.ts";
import type { Runtime } from "../../src/main.ts";
import type { Authenticate } from "../../src/transports/http/index.ts";
import { createPgliteStore, createPostgresStore } from "../../src/store/index.ts";
import type { Store } from "../../src/store/index.ts";

/** The Postgres the integration tests use (trust auth on these machines). */
export const TEST_DATABASE_URL = process.env["LOOMCYCLE_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres";

export type StoreKind = "pglite" | "postgres";

/** A Config for tests: embedded defaults, port 0, and the agents given. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    listen: { host: "127.0.0.1", port: 0 },
    dataDir: "/nonexistent",
    databaseUrl: null,
    configFile: null,
    agentsDir: null,
    providers: {},
    models: {},
    providerEndpoints: [],
    pricing: { currency: "USD", models: { "mock/mock-echo": { input: 1, output: 2 } } },
    defaultAgent: "default agent on the mock provider",
    contextPlugins: { redact: null },
    memory: { embedder: null },
    volumes: [],
    network: { hostAllowlist: [], privateHostAllowlist: [], searxngUrl: null },
    bash: { enabled: false },
    skillsDir: null,
    routing: {
      userTiers: {
        default: { providerPriority: [], tiers: {}, fallbackOnError: true, maxFallbackAttempts: 3, retryAttempts: 2, rateLimitCooldownMs: 30_000 },
      },
    },
    limits: { maxRequestBytes: 1024 * 1024, sseKeepaliveMs: 20_000, toolParallelism: 8, maxConcurrentRuns: 64 },
    provider: { headerTimeoutMs: 10_000, idleTimeoutMs: 10_000, localHeaderTimeoutMs: 300_000, localIdleTimeoutMs: 300_000, probeIntervalMs: 900_000, queueTimeoutMs: 30_000 },
    heartbeat: { intervalMs: 1_000, staleAfterMs: 60_000 },
    mock: { latencyMs: 0, failRate: 0 },
    otel: { endpoint: null, serviceName: "loomcycle-test" },
    logLevel: "silent",
    baseUrl: "http://127.0.0.1:0",
    providerKeysPresent: {},
    warnings: [],
    ...overrides,
    agents: overrides.agents ?? TEST_AGENTS,
  };
}

/** Agents every HTTP test can name. */
export const TEST_AGENTS: Agent[] = [
  testAgent({ name: "default", description: "echo", provider: "mock", model: "mock-echo", system_prompt: "You are a test." }, "builtin"),
  testAgent({ name: "scripted", description: "plays metadata.mock_script", provider: "mock", model: "mock-tools", tools: ["Context"], system_prompt: "Follow the script." }),
];

/** An agent from yaml-like fields, with the schema's defaults filled in (as the config loader does). */
export function testAgent(fields: z.input<typeof AgentSpec>, source: Agent["source"] = "config"): Agent {
  return { ...AgentSpec.parse(fields), source };
}

/** A store of the given kind, isolated for one test file; `dispose` removes everything it made. */
export async function isolatedStore(kind: StoreKind): Promise<{ store: Store; dispose: () => Promise<void> }> {
  if (kind === "pglite") {
    const dataDir = await mkdtemp(join(tmpdir(), "lc-test-"));
    const store = await createPgliteStore({ dataDir });
    return { store, dispose: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const schema = `lc_test_${Math.random().toString(36).slice(2, 10)}`;
  const store = await createPostgresStore({ url: TEST_DATABASE_URL, schema });
  return {
    store,
    dispose: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** A listening runtime on a random port over an isolated store of `kind`. */
export async function startTestRuntime(
  kind: StoreKind,
  overrides: Partial<Config> = {},
  options: { authenticate?: Authenticate } = {},
): Promise<Runtime & { dispose: () => Promise<void> }> {
  const { store, dispose } = await isolatedStore(kind);
  const runtime = await createRuntime(testConfig(overrides), { logger: silentLogger, store, ...options });
  return {
    ...runtime,
    dispose: async () => {
      await runtime.close();
      await dispose();
    },
  };
}

/** A fresh, empty database on the test Postgres (for server processes, which take a URL). */
export async function isolatedDatabaseUrl(): Promise<{ url: string; dispose: () => Promise<void> }> {
  const name = `lc_test_${Math.random().toString(36).slice(2, 10)}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await admin(`create database ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), dispose: () => admin(`drop database if exists ${name} with (force)`) };
}
