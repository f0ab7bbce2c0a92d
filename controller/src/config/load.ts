import { hostname } from "node:os";
import { z } from "zod";
import { InjectorConfigError, parseInjectorConfig } from "./injector-config.ts";
import type { InjectorConfig } from "./injector-config.ts";
import { bool, dnsLabel, dnsName, integer, issueLines, listenAddress, text } from "./env-values.ts";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The controller's settings, parsed once from the environment and frozen. */
export interface ControllerConfig {
  /** The Postgres the runtime reads definitions from. */
  databaseUrl: string;
  /** Where the Lease and the webhook cert Secret live. */
  controllerNamespace: string;
  /** This replica's Lease holder identity. */
  controllerId: string;
  leaderElection: { enabled: boolean; leaseName: string; leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
  probe: { host: string; port: number };
  /** Every cached object is re-enqueued this often (drift repair). */
  resyncMs: number;
  /** One namespace to watch, or "" for all. */
  watchNamespace: string;
  /** Concurrent reconciles per kind. */
  workers: number;
  logLevel: (typeof LOG_LEVELS)[number];
  injector: InjectorConfig;
}

/** Every environment variable the controller could not use, one line each with the fix; main prints it and exits 2. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`invalid controller configuration:\n  ${issues.join("\n  ")}`);
    this.issues = issues;
  }
}

const databaseUrl = text("a postgres:// or postgresql:// URL, e.g. postgres://user:password@host:5432/loomcycle", (raw) => {
  if (!URL.canParse(raw)) return false;
  return ["postgres:", "postgresql:"].includes(new URL(raw).protocol);
});

const EnvSchema = z.object({
  LOOMCYCLE_DATABASE_URL: databaseUrl,
  LOOMCYCLE_CONTROLLER_NAMESPACE: dnsLabel.optional(),
  POD_NAMESPACE: dnsLabel.optional(),
  LOOMCYCLE_CONTROLLER_ID: text("a non-empty identity without spaces", (raw) => raw !== "" && !/\s/.test(raw)).optional(),
  LOOMCYCLE_LEADER_ELECT: bool.default(true),
  LOOMCYCLE_LEASE_NAME: dnsName.default("loomcycle-controller"),
  LOOMCYCLE_LEASE_DURATION_MS: integer({ min: 1000, max: 600_000 }).default(15_000),
  LOOMCYCLE_LEASE_RENEW_DEADLINE_MS: integer({ min: 100, max: 600_000 }).default(10_000),
  LOOMCYCLE_LEASE_RETRY_MS: integer({ min: 50, max: 600_000 }).default(2000),
  LOOMCYCLE_PROBE_ADDR: listenAddress("0.0.0.0:8081").default({ host: "0.0.0.0", port: 8081 }),
  LOOMCYCLE_RESYNC_SECONDS: integer({ min: 0, max: 86_400 }).default(300),
  LOOMCYCLE_WATCH_NAMESPACE: text("a namespace name, or empty for all namespaces", (raw) => raw === "" || DNS_LABEL.test(raw)).default(""),
  LOOMCYCLE_RECONCILE_WORKERS: integer({ min: 1, max: 64 }).default(4),
  LOOMCYCLE_LOG_LEVEL: text(LOG_LEVELS.join(", "), (raw) => (LOG_LEVELS as readonly string[]).includes(raw))
    .transform((raw) => raw as ControllerConfig["logLevel"])
    .default("info"),
});
type Env = z.output<typeof EnvSchema>;

/** Unset and empty variables take their defaults (a Helm value rendered as "" means "default"). */
function present(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.keys(EnvSchema.shape).flatMap((key) => (env[key] === undefined || env[key] === "" ? [] : [[key, env[key]]])));
}

function timingIssues(env: Env): string[] {
  const issues: string[] = [];
  if (env.LOOMCYCLE_LEASE_RENEW_DEADLINE_MS >= env.LOOMCYCLE_LEASE_DURATION_MS) {
    issues.push(`LOOMCYCLE_LEASE_RENEW_DEADLINE_MS: must be less than LOOMCYCLE_LEASE_DURATION_MS (${env.LOOMCYCLE_LEASE_DURATION_MS}), got ${env.LOOMCYCLE_LEASE_RENEW_DEADLINE_MS}`);
  }
  if (env.LOOMCYCLE_LEASE_RETRY_MS >= env.LOOMCYCLE_LEASE_RENEW_DEADLINE_MS) {
    issues.push(`LOOMCYCLE_LEASE_RETRY_MS: must be less than LOOMCYCLE_LEASE_RENEW_DEADLINE_MS (${env.LOOMCYCLE_LEASE_RENEW_DEADLINE_MS}), got ${env.LOOMCYCLE_LEASE_RETRY_MS}`);
  }
  return issues;
}

function injectorConfig(env: Record<string, string | undefined>): { config?: InjectorConfig; issues: string[] } {
  try {
    return { config: parseInjectorConfig(env), issues: [] };
  } catch (error) {
    if (error instanceof InjectorConfigError) return { issues: [...error.issues] };
    throw error;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function build(env: Env, injector: InjectorConfig): ControllerConfig {
  return {
    databaseUrl: env.LOOMCYCLE_DATABASE_URL,
    controllerNamespace: env.LOOMCYCLE_CONTROLLER_NAMESPACE ?? env.POD_NAMESPACE ?? "loomcycle-system",
    controllerId: env.LOOMCYCLE_CONTROLLER_ID ?? `${hostname()}-${process.pid}`,
    leaderElection: {
      enabled: env.LOOMCYCLE_LEADER_ELECT,
      leaseName: env.LOOMCYCLE_LEASE_NAME,
      leaseDurationMs: env.LOOMCYCLE_LEASE_DURATION_MS,
      renewDeadlineMs: env.LOOMCYCLE_LEASE_RENEW_DEADLINE_MS,
      retryPeriodMs: env.LOOMCYCLE_LEASE_RETRY_MS,
    },
    probe: env.LOOMCYCLE_PROBE_ADDR,
    resyncMs: env.LOOMCYCLE_RESYNC_SECONDS * 1000,
    watchNamespace: env.LOOMCYCLE_WATCH_NAMESPACE,
    workers: env.LOOMCYCLE_RECONCILE_WORKERS,
    logLevel: env.LOOMCYCLE_LOG_LEVEL,
    injector,
  };
}

/**
 * The controller's configuration from `env` (fastify's validated-config idea): parses every
 * variable of the controller and of the injector, throws one ConfigError listing each bad one
 * (its name, what it expected, what it got), and returns a deep-frozen config.
 */
export function loadConfig(env: Record<string, string | undefined>): ControllerConfig {
  const parsed = EnvSchema.safeParse(present(env));
  const injector = injectorConfig(env);
  const issues = parsed.success ? timingIssues(parsed.data) : issueLines(parsed.error);
  issues.push(...injector.issues);
  if (issues.length > 0 || !parsed.success || injector.config === undefined) throw new ConfigError(issues.map(withRequiredHint));
  return deepFreeze(build(parsed.data, injector.config));
}

/** zod's "expected string, received undefined" for a required variable, said plainly. */
function withRequiredHint(issue: string): string {
  return issue.replace(/^(\w+): Invalid input: expected string, received undefined$/, "$1: required but not set (e.g. $1=postgres://user:password@host:5432/loomcycle)");
}
