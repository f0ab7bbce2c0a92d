import { z } from "zod";
import type { ConfigIssue } from "./format-issues.ts";
import type { Env } from "./paths.ts";

/** 16 MiB, loomcycle's default request body cap. */
const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024;
/** Keepalive comment interval: below common proxy idle timeouts (30-60 s). */
const DEFAULT_SSE_KEEPALIVE_MS = 20_000;
/** loomcycle's defaults for tool fan-out, runs per process and provider stream timeouts. */
const DEFAULT_TOOL_PARALLELISM = 8;
const DEFAULT_MAX_CONCURRENT_RUNS = 256;
const DEFAULT_HEADER_TIMEOUT_MS = 60_000;
const DEFAULT_IDLE_TIMEOUT_MS = 90_000;
/** A local model can prefill a long context for minutes before its first token (loomcycle: 300 s). */
const DEFAULT_LOCAL_MODEL_TIMEOUT_MS = 300_000;
const MAX_PORT = 65_535;
/** Heartbeat every 10 s; a run silent for 60 s (six missed beats) belongs to a dead process. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;
const DEFAULT_HEARTBEAT_STALE_MS = 60_000;
/** Re-probe providers' model lists every 15 min (loomcycle's default); at most hourly, so a recovery is seen. */
const DEFAULT_RESOLVE_PROBE_INTERVAL_MS = 15 * 60_000;
const MAX_RESOLVE_PROBE_INTERVAL_MS = 60 * 60_000;
/** How long a model call waits for a `max_concurrent` slot before it fails over (loomcycle's default). */
const DEFAULT_PROVIDER_QUEUE_TIMEOUT_MS = 30_000;

/** The roles one program serves (`loomcycle serve --role`). */
export const ROLES = ["api", "worker", "all"] as const;
/** A run still queued in Postgres this long after its commit has lost its enqueue: re-enqueue it. */
const DEFAULT_QUEUE_SWEEP_INTERVAL_MS = 10_000;

/** Log levels pino understands, plus `silent`. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "silent"] as const;

/**
 * A variable whose text `parse` turns into a value (undefined: invalid). The issue says what
 * was expected and, unless the value may hold a secret, what was found.
 */
function variable<T>(spec: { expected: string; parse: (raw: string) => T | undefined; secret?: boolean }): z.ZodType<T, string> {
  return z.string().transform((raw, context) => {
    const value = spec.parse(raw.trim());
    if (value !== undefined) return value;
    const got = spec.secret === true ? "" : `, got ${JSON.stringify(raw)}`;
    context.addIssue({ code: "custom", message: `expected ${spec.expected}${got}` });
    return z.NEVER;
  });
}

function integer(min: 0 | 1): z.ZodType<number, string> {
  return variable({
    expected: min === 1 ? "a positive integer" : "a non-negative integer",
    parse: (raw) => (/^\d+$/.test(raw) && Number(raw) >= min && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined),
  });
}

/** Parses `host:port`, `[v6]:port` or `:port` (all interfaces, as Go reads it). */
export function parseListenAddress(raw: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(raw);
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port > MAX_PORT) return undefined;
  const host = match[1] ?? match[2] ?? "";
  return { host: host === "" ? "0.0.0.0" : host, port };
}

function httpUrl(raw: string): string | undefined {
  return URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol) ? raw.replace(/\/+$/, "") : undefined;
}

/** A comma-separated list; blanks dropped, entries trimmed and lower-cased (host names). */
function hostList(): z.ZodType<string[], string> {
  return z.string().transform((raw) =>
    raw
      .split(",")
      .map((entry) => entry.trim().toLowerCase())
      .filter((entry) => entry !== ""),
  );
}

const EnvSchema = z.object({
  LOOMCYCLE_LISTEN_ADDR: variable({ expected: "host:port (e.g. 127.0.0.1:8787)", parse: parseListenAddress }).optional(),
  LOOMCYCLE_DATA_DIR: z.string().optional(),
  LOOMCYCLE_DATABASE_URL: variable({
    expected: "a URL starting with postgres:// or postgresql://",
    parse: (raw) => (/^postgres(ql)?:\/\//.test(raw) ? raw : undefined),
    secret: true,
  }).optional(),
  LOOMCYCLE_MAX_REQUEST_BYTES: integer(1).default(DEFAULT_MAX_REQUEST_BYTES),
  LOOMCYCLE_SSE_KEEPALIVE_MS: integer(1).default(DEFAULT_SSE_KEEPALIVE_MS),
  LOOMCYCLE_TOOL_PARALLELISM: integer(1).default(DEFAULT_TOOL_PARALLELISM),
  LOOMCYCLE_MAX_CONCURRENT_RUNS: integer(1).default(DEFAULT_MAX_CONCURRENT_RUNS),
  /** Queued + running top-level runs per user / per tenant; runs waiting for a worker (0 = unlimited; overrides `concurrency:`). */
  LOOMCYCLE_MAX_CONCURRENT_RUNS_PER_USER: integer(0).optional(),
  LOOMCYCLE_MAX_CONCURRENT_RUNS_PER_TENANT: integer(0).optional(),
  LOOMCYCLE_MAX_QUEUE_DEPTH: integer(0).optional(),
  LOOMCYCLE_PROVIDER_HEADER_TIMEOUT_MS: integer(1).default(DEFAULT_HEADER_TIMEOUT_MS),
  LOOMCYCLE_PROVIDER_IDLE_TIMEOUT_MS: integer(1).default(DEFAULT_IDLE_TIMEOUT_MS),
  LOOMCYCLE_OLLAMA_LOCAL_HEADER_TIMEOUT_MS: integer(1).default(DEFAULT_LOCAL_MODEL_TIMEOUT_MS),
  LOOMCYCLE_OLLAMA_LOCAL_IDLE_TIMEOUT_MS: integer(1).default(DEFAULT_LOCAL_MODEL_TIMEOUT_MS),
  LOOMCYCLE_HEARTBEAT_INTERVAL_MS: integer(1).default(DEFAULT_HEARTBEAT_INTERVAL_MS),
  LOOMCYCLE_HEARTBEAT_STALE_MS: integer(1).default(DEFAULT_HEARTBEAT_STALE_MS),
  LOOMCYCLE_RESOLVE_PROBE_INTERVAL_MS: variable({
    expected: `a positive integer of at most ${MAX_RESOLVE_PROBE_INTERVAL_MS}`,
    parse: (raw) => (/^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= MAX_RESOLVE_PROBE_INTERVAL_MS ? Number(raw) : undefined),
  }).default(DEFAULT_RESOLVE_PROBE_INTERVAL_MS),
  LOOMCYCLE_PROVIDER_QUEUE_TIMEOUT_MS: integer(1).default(DEFAULT_PROVIDER_QUEUE_TIMEOUT_MS),
  LOOMCYCLE_MOCK_LATENCY_MS: integer(0).default(0),
  LOOMCYCLE_MOCK_FAIL_RATE: variable({
    expected: "a fraction between 0 and 1",
    parse: (raw) => (raw !== "" && Number(raw) >= 0 && Number(raw) <= 1 ? Number(raw) : undefined),
  }).default(0),
  OTEL_EXPORTER_OTLP_ENDPOINT: variable({ expected: "an http(s) URL", parse: httpUrl }).optional(),
  OTEL_SERVICE_NAME: z.string().default("loomcycle"),
  LOOMCYCLE_LOG_LEVEL: variable({
    expected: `one of ${LOG_LEVELS.join(", ")}`,
    parse: (raw) => LOG_LEVELS.find((level) => level === raw.toLowerCase()),
  }).default("info"),
  /** Hosts network tools may reach (`*` = every public host); empty = no network. */
  LOOMCYCLE_HTTP_HOST_ALLOWLIST: hostList().default([]),
  /** Hosts allowed although they resolve to private addresses. */
  LOOMCYCLE_HTTP_PRIVATE_HOST_ALLOWLIST: hostList().default([]),
  /** Bash runs only when the operator says so (`1`/`true`). */
  LOOMCYCLE_BASH_ENABLED: variable({ expected: "1, true, 0 or false", parse: (raw) => ({ "1": true, true: true, "0": false, false: false })[raw.toLowerCase()] }).default(false),
  /** A SearXNG-style JSON search endpoint for WebSearch; unset = WebSearch refuses. */
  LOOMCYCLE_WEBSEARCH_SEARXNG_URL: variable({ expected: "an http(s) URL", parse: httpUrl }).optional(),
  LOOMCYCLE_BASE_URL: variable({ expected: "an http(s) URL", parse: httpUrl }).optional(),
  /** Where the Skill tool finds `<name>/SKILL.md` folders (overrides `skills_dir:`); unset = none. */
  LOOMCYCLE_SKILLS_DIR: z.string().optional(),
  /** The shared bearer token (legacy mode); unset and no minted token = open mode (loopback only). */
  LOOMCYCLE_AUTH_TOKEN: variable({ expected: "a token without whitespace", parse: (raw) => (/\s/.test(raw) ? undefined : raw), secret: true }).optional(),
  /** Mixed into every minted token's hash; changing it invalidates every minted token. */
  LOOMCYCLE_OPERATOR_TOKEN_PEPPER: z.string().optional(),
  /** Seals per-run credentials on the run row (AES-256-GCM, key derived by HKDF), so the process that resumes a run can use them; at least 32 characters. */
  LOOMCYCLE_SECRET_KEY: variable({ expected: "a secret of at least 32 characters", parse: (raw) => (raw.length >= 32 ? raw : undefined), secret: true }).optional(),
  /** How long a rotated token's old secret is still accepted (0 = refused at once). */
  LOOMCYCLE_OPERATOR_TOKEN_ROTATION_GRACE_SECONDS: integer(0).default(0),
  /** Which part of the runtime this process serves (`--role` wins): api, worker or all. */
  LOOMCYCLE_ROLE: variable({ expected: "api, worker or all", parse: (raw) => ROLES.find((role) => role === raw.toLowerCase()) }).optional(),
  /** Redis for the BullMQ run queue and the cross-process event fan-out; unset = embedded, in-process. */
  LOOMCYCLE_REDIS_URL: variable({ expected: "a URL starting with redis:// or rediss://", parse: (raw) => (/^rediss?:\/\//.test(raw) ? raw : undefined), secret: true }).optional(),
  /** Prefix of every Redis key and channel (one per deployment; tests give each its own). */
  LOOMCYCLE_REDIS_PREFIX: variable({ expected: "letters, digits, '-', '_' or '.'", parse: (raw) => (/^[\w.-]+$/.test(raw) ? raw : undefined) }).default("loomcycle"),
  /** How often a worker re-enqueues runs left queued in Postgres (an enqueue that failed after the commit). */
  LOOMCYCLE_QUEUE_SWEEP_INTERVAL_MS: integer(1).default(DEFAULT_QUEUE_SWEEP_INTERVAL_MS),
  /** How long a cancel waits for the processes executing its runs to acknowledge (control backplane). */
  LOOMCYCLE_CANCEL_ACK_TIMEOUT_MS: integer(1).default(1_000),
  /** First reconnect delay of the control backplane's LISTEN connection (doubles up to 10 s). */
  LOOMCYCLE_CONTROL_RECONNECT_MS: integer(1).default(250),
  /** The cap of one snapshot in bytes (POST /v1/_snapshots; a call's max_bytes may only lower it). 512 MiB. */
  LOOMCYCLE_SNAPSHOT_MAX_BYTES: integer(1).default(512 * 1024 * 1024),
  /** How long an Idempotency-Key answers the run it created (seconds after the run's creation; default 24 h). */
  LOOMCYCLE_IDEMPOTENCY_TTL_SECONDS: integer(1).default(86_400),
  /** Graceful shutdown (SIGTERM): how long a worker lets its runs reach an iteration boundary before it parks them at once. */
  LOOMCYCLE_SHUTDOWN_GRACE_MS: integer(1).default(10_000),
});

/** The settings read from the environment, defaults applied. */
export type EnvSettings = z.infer<typeof EnvSchema>;

/** Alternative names loomcycle also reads; the canonical name wins when both are set. */
const ALIASES: Readonly<Record<string, string>> = {
  LOOMCYCLE_DATABASE_URL: "LOOMCYCLE_PG_DSN",
  OTEL_EXPORTER_OTLP_ENDPOINT: "LOOMCYCLE_OTEL_EXPORTER_OTLP_ENDPOINT",
  OTEL_SERVICE_NAME: "LOOMCYCLE_OTEL_SERVICE_NAME",
  LOOMCYCLE_SKILLS_DIR: "LOOMCYCLE_SKILLS_ROOT",
};

/**
 * Reads and validates the variables of EnvSchema; every bad value becomes an issue naming its
 * variable, and its default stands in so the rest of the load can still report its own issues.
 */
export function readEnv(env: Env, issues: ConfigIssue[]): EnvSettings {
  const input: Record<string, string> = {};
  const sourceName: Record<string, string> = {};
  for (const name of Object.keys(EnvSchema.shape)) {
    const alias = ALIASES[name];
    const chosen = [name, alias].find((candidate) => candidate !== undefined && (env[candidate] ?? "").trim() !== "");
    if (chosen === undefined) continue;
    input[name] = env[chosen] ?? "";
    sourceName[name] = chosen;
  }
  const result = EnvSchema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? "");
    issues.push({ path: sourceName[name] ?? name, message: issue.message });
    delete input[name];
  }
  return EnvSchema.parse(input);
}
