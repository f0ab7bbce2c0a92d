import { z } from "zod";
import { AgentSpec, MAX_RETRY_ATTEMPTS, TIERS, CHANNEL_NAME_PATTERN, CHANNEL_SCOPES, parseTtlMs } from "../domain/index.ts";
import type { Agent, Tier, ChannelSpec } from "../domain/index.ts";

/**
 * The configuration schema: the `loomcycle.yaml` file (loomcycle's keys, so configs carry over)
 * and the resolved runtime config built from file, environment and flags.
 */

/**
 * A `channels:` entry (the map key is its name): declared at start-up, not deletable over the API.
 * `default_ttl` is seconds or a duration (`90s`, `1h`); loomcycle's other keys (semantic,
 * publisher, period) are accepted and ignored.
 */
export const FileChannel = z.object({
  description: z.string().default(""),
  scope: z.enum(CHANNEL_SCOPES).default("global"),
  default_ttl: z
    .union([z.number().min(0), z.string().min(1)])
    .transform((value, context) => parseTtlMs(value) ?? (context.addIssue({ code: "custom", message: "expected seconds or a duration like 90s, 5m, 1h" }), 0))
    .optional(),
  max_messages: z.number().int().min(0).optional(),
});

const FileChannels = z.record(z.string(), FileChannel).superRefine((channels, context) => {
  for (const name of Object.keys(channels)) {
    if (!CHANNEL_NAME_PATTERN.test(name)) context.addIssue({ code: "custom", path: [name], message: "not a channel name: use segments of A-Z a-z 0-9 _ . - separated by /" });
  }
});

/** An agent under `agents:` in loomcycle.yaml; the map key is its name. */
export const FileAgent = AgentSpec.omit({ name: true }).extend({ name: z.string().optional() });

/** A provider under `providers:` (loomcycle shape; drivers arrive with the providers issue). */
export const FileProvider = z.object({
  driver: z.enum(["anthropic", "openai", "deepseek", "gemini", "ollama", "mock", "code-js"]),
  base_url: z.string().url().optional(),
  api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name").optional(),
  max_concurrent: z.number().int().min(0).optional(),
  capabilities: z.record(z.string(), z.unknown()).optional(),
});

/** A `models:` alias. */
export const FileModelAlias = z.object({ provider: z.string().min(1), model: z.string().min(1) });

/** A tier candidate: a `models:` alias, or an explicit provider + model. */
export const FileCandidate = z.union([z.string().min(1), FileModelAlias]);

const FileTiers = z.partialRecord(z.enum(TIERS), z.array(FileCandidate));

/** A `user_tiers:` entry: the routing policy a caller picks per run with `user_tier`. */
export const FileUserTier = z.object({
  provider_priority: z.array(z.string().min(1)).optional(),
  tiers: FileTiers.optional(),
  fallback_on_error: z.boolean().default(true),
  max_fallback_attempts: z.number().int().min(0).max(16).default(3),
  retry_attempts: z.number().int().min(0).max(MAX_RETRY_ATTEMPTS).default(2),
  rate_limit_cooldown_ms: z.number().int().min(0).default(30_000),
});

export type FileUserTier = z.infer<typeof FileUserTier>;

/** Price per 1M tokens of one model (loomcycle's `pricing.models["provider/model"]`). */
export const FileModelPrice = z.object({
  input: z.number().min(0),
  output: z.number().min(0),
  cache_write: z.number().min(0).optional(),
  cache_read: z.number().min(0).optional(),
});

/** `pricing:` prices model calls at write time for the usage ledger. */
export const FilePricing = z.object({
  currency: z.string().min(1).default("USD"),
  models: z.record(z.string().regex(/^[^/]+\/.+$/, "provider/model"), FileModelPrice).default({}),
});
export type Pricing = z.infer<typeof FilePricing>;

/** A `volumes:` entry: a directory the file tools may use when an agent names it (read-only unless `read_only: false`). */
export const FileVolume = z.object({ path: z.string().min(1), read_only: z.boolean().default(true) }).loose();

/**
 * `context_plugins:` transforms applied to every outbound model request. `redact` masks the
 * values of the named environment variables (read by main.ts; values never enter the Config)
 * and, with `patterns`, common key shapes.
 */
export const FileContextPlugins = z.strictObject({
  redact: z
    .strictObject({
      values_env: z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name")).default([]),
      patterns: z.boolean().default(true),
    })
    .optional(),
});

/**
 * `memory:` (loomcycle's section; only `embedder` is read here, other keys are accepted). The
 * embedder is any OpenAI-compatible `POST {base_url}/embeddings`; without one, vector search
 * answers vector_unsupported while key-value memory works.
 */
export const FileMemory = z
  .object({
    embedder: z
      .strictObject({
        base_url: z.string().url(),
        model: z.string().min(1),
        api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name").optional(),
        /** Recorded with each vector; search compares only vectors of the same provider and model. */
        provider: z.string().min(1).default("openai"),
        dimensions: z.number().int().min(1).max(16_000).optional(),
      })
      .optional(),
  })
  .loose();

/** Resolved `memory:`: the embedder's endpoint with the NAME of its key variable (main.ts reads the value). */
export interface MemoryConfig {
  embedder: { provider: string; baseUrl: string; model: string; apiKeyEnv: string | null; dimensions: number | null } | null;
}

/** Resolved `context_plugins:`: variable NAMES only. */
export interface ContextPluginsConfig {
  redact: { valuesEnv: readonly string[]; patterns: boolean } | null;
}

/** `concurrency:` (loomcycle §9.7); 0 = unlimited. Other loomcycle keys there are accepted and not read. */
export const FileConcurrency = z
  .object({
    max_concurrent_runs_per_user: z.number().int().min(0).optional(),
    max_concurrent_runs_per_tenant: z.number().int().min(0).optional(),
    max_queue_depth: z.number().int().min(0).optional(),
  })
  .loose();

/**
 * The keys of loomcycle.yaml this runtime reads. Other loomcycle keys are accepted with a
 * warning so an existing config still starts.
 */
export const ConfigFile = z
  .object({
    agents: z.record(z.string(), FileAgent).default({}),
    providers: z.record(z.string(), FileProvider).default({}),
    models: z.record(z.string(), FileModelAlias).default({}),
    volumes: z.record(z.string(), FileVolume).default({}),
    channels: FileChannels.default({}),
    provider_priority: z.array(z.string().min(1)).default([]),
    tiers: FileTiers.default({}),
    user_tiers: z.record(z.string(), FileUserTier).default({}),
    pricing: FilePricing.optional(),
    context_plugins: FileContextPlugins.optional(),
    memory: FileMemory.optional(),
    /** Folder of skills (`<name>/SKILL.md`, names may be `/`-grouped) the Skill tool loads on demand. */
    skills_dir: z.string().min(1).optional(),
    concurrency: FileConcurrency.optional(),
  })
  .loose();
export type ConfigFile = z.infer<typeof ConfigFile>;

export type ProviderConfig = z.infer<typeof FileProvider>;

/** A concrete model: aliases are resolved at load time. */
export interface ModelRef {
  provider: string;
  model: string;
}

/** A routing policy (a `user_tiers:` entry, or the built-in `default`). */
export interface UserTierPolicy {
  providerPriority: readonly string[];
  tiers: Readonly<Partial<Record<Tier, readonly ModelRef[]>>>;
  fallbackOnError: boolean;
  maxFallbackAttempts: number;
  retryAttempts: number;
  rateLimitCooldownMs: number;
}

/** The wire a provider speaks: which driver talks to it. */
export type ProviderDriver = "anthropic" | "openai" | "deepseek" | "gemini" | "ollama";

/**
 * Where a real provider is and which variable holds its key. Key VALUES never enter the Config:
 * main.ts reads `apiKeyEnv` when it builds the driver.
 */
export interface ProviderEndpoint {
  id: string;
  driver: ProviderDriver;
  baseUrl: string | null;
  apiKeyEnv: string | null;
  /** Usable: its key is set, or it needs none. */
  enabled: boolean;
  /** `providers.<id>.max_concurrent`: model calls in flight at once in this process; absent or 0 = unlimited. */
  maxConcurrent?: number;
}

/** An operator volume: `path` resolved to an absolute real path (symlinks resolved) at load. */
export interface VolumeConfig {
  name: string;
  root: string;
  readOnly: boolean;
}

/** Resolved `concurrency:` (0 = unlimited): queued + running top-level runs per user and per tenant, and runs waiting for a worker. */
export interface ConcurrencyConfig {
  maxConcurrentRunsPerUser: number;
  maxConcurrentRunsPerTenant: number;
  maxQueueDepth: number;
}

/** The resolved, frozen configuration `main.ts` passes down. */
/** Bearer auth settings, from LOOMCYCLE_AUTH_TOKEN and the LOOMCYCLE_OPERATOR_TOKEN_* variables (or auth.env, loaded by the CLI). */
export interface AuthConfig {
  /** The shared token; null = none. */
  token: string | null;
  pepper: string;
  rotationGraceSeconds: number;
  /** LOOMCYCLE_SECRET_KEY: seals per-run credentials on the run row; null = they stay in the accepting process's memory. */
  sealingKey?: string | null;
}

export interface Config {
  listen: { host: string; port: number };
  /** Where the embedded store and the data-dir lock live. */
  dataDir: string;
  /** Postgres URL; null selects the embedded PGlite store under dataDir. */
  databaseUrl: string | null;
  /** The loomcycle.yaml that was read, if any. */
  configFile: string | null;
  agentsDir: string | null;
  agents: readonly Agent[];
  providers: Readonly<Record<string, ProviderConfig>>;
  models: Readonly<Record<string, { provider: string; model: string }>>;
  /** Real providers (built-in and from `providers:`), with the NAME of their key variable. */
  providerEndpoints: readonly ProviderEndpoint[];
  /** Which provider the builtin `default` agent uses and why (for the start-up log and doctor). */
  defaultAgent: string;
  /** Context-transform plugins (redaction), with environment variable names, never values. */
  contextPlugins: ContextPluginsConfig;
  /** Memory: the embedder for vector search (null = none configured). */
  memory: MemoryConfig;
  /** Operator volumes (`volumes:`); agents name the ones they may use. Empty = no filesystem access. */
  volumes: readonly VolumeConfig[];
  /** The operator's network floor: `LOOMCYCLE_HTTP_HOST_ALLOWLIST` (`*` = every public host) and the private-address exceptions. */
  network: { hostAllowlist: string[]; privateHostAllowlist: string[]; searxngUrl: string | null };
  /** Bash is off unless LOOMCYCLE_BASH_ENABLED is set. */
  bash: { enabled: boolean };
  /** Real path of the skills directory (`skills_dir:` / LOOMCYCLE_SKILLS_DIR); null = no skills. */
  skillsDir: string | null;
  /** Channels declared in `channels:` (absent = none). */
  channels?: readonly ChannelSpec[];
  /** Prices per 1M tokens by "provider/model"; null when the operator priced nothing. */
  pricing: Pricing | null;
  /** Tiers and user tiers with aliases resolved; always has a `default` user tier. */
  routing: { userTiers: Readonly<Record<string, UserTierPolicy>> };
  limits: {
    maxRequestBytes: number;
    sseKeepaliveMs: number;
    toolParallelism: number;
    maxConcurrentRuns: number;
  };
  /** Stream timeouts; how often the availability matrix re-probes; how long a call waits for a `max_concurrent` slot. */
  provider: {
    headerTimeoutMs: number;
    idleTimeoutMs: number;
    probeIntervalMs: number;
    queueTimeoutMs: number;
    /** Longer stream timeouts for `ollama-local` (slow local prefill). */
    localHeaderTimeoutMs: number;
    localIdleTimeoutMs: number;
  };
  /** Run liveness: how often a worker renews its runs' heartbeat, and when a silent run is orphaned. */
  heartbeat: { intervalMs: number; staleAfterMs: number };
  mock: { latencyMs: number; failRate: number };
  otel: { endpoint: string | null; serviceName: string };
  logLevel: "trace" | "debug" | "info" | "warn" | "error" | "silent";
  /** Where CLI client commands find a running server. */
  baseUrl: string;
  /** Which provider key variables are set (names only, never values), for `doctor`. */
  providerKeysPresent: Readonly<Record<string, boolean>>;
  /** Non-fatal findings (unsupported loomcycle keys…), logged at start-up. */
  warnings: readonly string[];
  /** Bearer auth (absent = no shared token, empty pepper, no rotation grace). Holds secrets: never log it. */
  auth?: AuthConfig;
  /** Concurrency quotas and the queue bound (absent = all unlimited). */
  concurrency?: ConcurrencyConfig;
  /** Process role and the cluster backends (absent = role `all`, embedded queue and event bus). */
  cluster?: ClusterConfig;
  /** The control backplane (cancel acknowledgements, LISTEN reconnect); absent = 1 s ack timeout, 250 ms first reconnect. */
  control?: { ackTimeoutMs: number; reconnectMs: number };
  /** Snapshots: the cap of one snapshot (LOOMCYCLE_SNAPSHOT_MAX_BYTES); absent = 512 MiB. */
  snapshot?: { maxBytes: number };
  /** Idempotency-Key retention: a key answers its run for `ttlSeconds` after the run was created (absent = 24 h). */
  idempotency?: { ttlSeconds: number };
  /** Graceful shutdown: the grace before a stopping worker parks its runs at once (LOOMCYCLE_SHUTDOWN_GRACE_MS); absent = 10 s. */
  shutdown?: { graceMs: number };
}

/** `--role` / LOOMCYCLE_ROLE and the Redis the cluster uses (config/cluster-config.ts). */
export interface ClusterConfig {
  role: "api" | "worker" | "all";
  /** null = embedded: the in-process queue and event bus. Holds credentials: never log it. */
  redisUrl: string | null;
  /** Prefix of every BullMQ key and pub/sub channel. */
  redisPrefix: string;
  /** How often a worker re-enqueues runs still queued in Postgres. */
  sweepIntervalMs: number;
}
