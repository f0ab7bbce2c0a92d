import { buildRouting } from "./build-routing.ts";
import { pickDefaultAgent, providerEndpoints } from "./provider-endpoints.ts";
import type { ProviderEndpoint, Config, VolumeConfig } from "./schema.ts";
import type { Agent } from "../domain/index.ts";
import { deepFreeze } from "./deep-freeze.ts";
import { readEnv } from "./env.ts";
import type { EnvSettings } from "./env.ts";
import { configInvalidError } from "./format-issues.ts";
import type { ConfigIssue } from "./format-issues.ts";
import { BUILTIN_DEFAULT_AGENT, mergeAgents } from "./merge-agents.ts";
import { defaultDataDir, resolveAgentsDir, resolveConfigFile, resolvePath } from "./paths.ts";
import type { Env } from "./paths.ts";
import { providerKeysPresent } from "./provider-keys.ts";
import { readAgentsDir } from "./read-agents-dir.ts";
import { readConfigFile } from "./read-config-file.ts";
import { memoryConfig } from "./memory-config.ts";
import { resolveVolumes, unknownVolumeWarnings } from "./resolve-volumes.ts";
import { yamlChannels } from "./yaml-channels.ts";
import { concurrencyConfig } from "./concurrency-config.ts";
import { clusterConfig } from "./cluster-config.ts";
import { resolveSkillsDir } from "./resolve-skills-dir.ts";
import type { ConfigFileResult } from "./read-config-file.ts";

/** Command-line flags that override the file and the environment. */
export interface ConfigFlags {
  config?: string | undefined;
  port?: number | undefined;
  host?: string | undefined;
  dataDir?: string | undefined;
  agentsDir?: string | undefined;
  /** `--role`: api, worker or all (overrides LOOMCYCLE_ROLE). */
  role?: string | undefined;
}

/** What loadConfig reads: the environment (main.ts passes process.env), the flags, and the directory relative paths start from. */
export interface LoadConfigOptions {
  env: Env;
  flags?: ConfigFlags;
  /** Where `./loomcycle.yaml` is looked for and relative paths resolve; defaults to the process's cwd. */
  cwd?: string;
}

const DEFAULT_HOST = "127.0.0.1";
const DEFAULT_PORT = 8787;
const MAX_PORT = 65_535;

/**
 * Builds the one frozen Config from file, agents dir, environment and flags. Throws one
 * AppError("CONFIG_INVALID") whose message lists every problem found, each with where it is.
 */
export function loadConfig(options: LoadConfigOptions): Config {
  const { env } = options;
  const flags = options.flags ?? {};
  const cwd = options.cwd ?? process.cwd();
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const settings = readEnv(env, issues);
  const configPath = resolveConfigFile({ flag: flags.config, env, cwd, issues }).path;
  const configFile = configPath === null ? null : readConfigFile({ file: configPath, issues, warnings });
  const agentsDir = resolveAgentsDir({ flag: flags.agentsDir, env, cwd, configFile: configPath, issues }).path;
  const markdown = agentsDir === null ? [] : readAgentsDir({ dir: agentsDir, issues, warnings });
  const endpoints = providerEndpoints({ env, providers: configFile?.data?.providers ?? {} });
  const picked = pickDefaultAgent({ endpoints, base: BUILTIN_DEFAULT_AGENT });
  const agents = mergeAgents({ markdown, config: configFile, issues, builtinDefault: picked.agent });
  const defaultAgent = agents.some((agent) => agent.name === "default" && agent.source === "builtin") ? picked.reason : "default agent: configured";
  const listen = resolveListen({ settings, flags, issues });
  const routing = buildRouting({ configFile, issues });
  const { volumes, skillsDir } = resolveDirectories({ configFile, settings, env, cwd, issues, agents, warnings });
  const cluster = clusterConfig({ settings, roleFlag: flags.role, issues });
  if (issues.length > 0) throw configInvalidError(issues);
  return deepFreeze({
    ...assemble({ settings, listen, configFile, agents, warnings, env, cwd, dataDirFlag: flags.dataDir, agentsDir, routing, endpoints, defaultAgent, volumes }),
    skillsDir,
    channels: yamlChannels(configFile),
    concurrency: concurrencyConfig(configFile, settings),
    cluster,
    control: { ackTimeoutMs: settings.LOOMCYCLE_CANCEL_ACK_TIMEOUT_MS, reconnectMs: settings.LOOMCYCLE_CONTROL_RECONNECT_MS },
    snapshot: { maxBytes: settings.LOOMCYCLE_SNAPSHOT_MAX_BYTES },
    idempotency: { ttlSeconds: settings.LOOMCYCLE_IDEMPOTENCY_TTL_SECONDS },
    shutdown: { graceMs: settings.LOOMCYCLE_SHUTDOWN_GRACE_MS },
  });
}

/** The operator's directories: volumes (warning about agents naming unknown ones) and the skills folder. */
function resolveDirectories(options: {
  configFile: ConfigFileResult | null;
  settings: EnvSettings;
  env: Env;
  cwd: string;
  issues: ConfigIssue[];
  agents: readonly Agent[];
  warnings: string[];
}): { volumes: VolumeConfig[]; skillsDir: string | null } {
  const { configFile, env, issues } = options;
  const volumes = resolveVolumes({ configFile, env, issues });
  options.warnings.push(...unknownVolumeWarnings(options.agents, volumes));
  const skillsDir = resolveSkillsDir({ configFile, fromEnv: options.settings.LOOMCYCLE_SKILLS_DIR, env, cwd: options.cwd, issues });
  return { volumes, skillsDir };
}

function resolveListen(options: { settings: EnvSettings; flags: ConfigFlags; issues: ConfigIssue[] }): Config["listen"] {
  const { flags, issues } = options;
  const fromEnv = options.settings.LOOMCYCLE_LISTEN_ADDR ?? { host: DEFAULT_HOST, port: DEFAULT_PORT };
  const port = flags.port ?? fromEnv.port;
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) {
    issues.push({ path: "--port", message: `expected an integer between 0 and ${MAX_PORT}, got ${String(flags.port)}` });
  }
  const host = flags.host ?? fromEnv.host;
  if (host.trim() === "") issues.push({ path: "--host", message: "expected a host name or address, got an empty string" });
  return { host, port };
}

/** `http://host:port` a client on this machine can reach: wildcard hosts become loopback. */
function localUrl(listen: Config["listen"]): string {
  const host = listen.host === "0.0.0.0" || listen.host === "::" ? "127.0.0.1" : listen.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${listen.port}`;
}

interface AssembleOptions {
  settings: EnvSettings;
  listen: Config["listen"];
  configFile: ConfigFileResult | null;
  agents: Agent[];
  warnings: string[];
  env: Env;
  cwd: string;
  dataDirFlag: string | undefined;
  agentsDir: string | null;
  routing: Config["routing"];
  endpoints: ProviderEndpoint[];
  defaultAgent: string;
  volumes: VolumeConfig[];
}

function assemble(options: AssembleOptions): Omit<Config, "skillsDir"> {
  const { settings, env } = options;
  const { providers, models, pricing, contextPlugins } = fileSections(options.configFile);
  return {
    listen: options.listen,
    dataDir: resolveDataDir(options),
    databaseUrl: settings.LOOMCYCLE_DATABASE_URL ?? null,
    configFile: options.configFile?.file ?? null,
    agentsDir: options.agentsDir,
    agents: options.agents,
    providers,
    models,
    routing: options.routing,
    pricing,
    contextPlugins,
    memory: memoryConfig(options.configFile),
    volumes: options.volumes,
    network: {
      hostAllowlist: settings.LOOMCYCLE_HTTP_HOST_ALLOWLIST,
      privateHostAllowlist: settings.LOOMCYCLE_HTTP_PRIVATE_HOST_ALLOWLIST,
      searxngUrl: settings.LOOMCYCLE_WEBSEARCH_SEARXNG_URL ?? null,
    },
    bash: { enabled: settings.LOOMCYCLE_BASH_ENABLED },
    providerEndpoints: options.endpoints,
    defaultAgent: options.defaultAgent,
    ...tuning(settings),
    baseUrl: settings.LOOMCYCLE_BASE_URL ?? localUrl(options.listen),
    providerKeysPresent: providerKeysPresent({ env, providers }),
    warnings: options.warnings,
    auth: {
      token: settings.LOOMCYCLE_AUTH_TOKEN ?? null,
      pepper: settings.LOOMCYCLE_OPERATOR_TOKEN_PEPPER ?? "",
      rotationGraceSeconds: settings.LOOMCYCLE_OPERATOR_TOKEN_ROTATION_GRACE_SECONDS,
      sealingKey: settings.LOOMCYCLE_SECRET_KEY ?? null,
    },
  };
}

/** The file's provider, alias, pricing and context-plugin sections, empty when there is no (valid) file. */
function fileSections(configFile: ConfigFileResult | null): Pick<Config, "providers" | "models" | "pricing" | "contextPlugins"> {
  const data = configFile?.data;
  if (data === null || data === undefined) return { providers: {}, models: {}, pricing: null, contextPlugins: { redact: null } };
  const redact = data.context_plugins?.redact;
  return {
    providers: data.providers,
    models: data.models,
    pricing: data.pricing ?? null,
    contextPlugins: { redact: redact === undefined ? null : { valuesEnv: redact.values_env, patterns: redact.patterns } },
  };
}

/** `--data-dir`, else `LOOMCYCLE_DATA_DIR`, else the XDG data home. */
function resolveDataDir(options: AssembleOptions): string {
  const { env, cwd } = options;
  const named = options.dataDirFlag ?? options.settings.LOOMCYCLE_DATA_DIR;
  return named === undefined || named.trim() === "" ? defaultDataDir(env) : resolvePath({ path: named, cwd, env });
}

function tuning(settings: EnvSettings): Pick<Config, "limits" | "provider" | "heartbeat" | "mock" | "otel" | "logLevel"> {
  return {
    limits: {
      maxRequestBytes: settings.LOOMCYCLE_MAX_REQUEST_BYTES,
      sseKeepaliveMs: settings.LOOMCYCLE_SSE_KEEPALIVE_MS,
      toolParallelism: settings.LOOMCYCLE_TOOL_PARALLELISM,
      maxConcurrentRuns: settings.LOOMCYCLE_MAX_CONCURRENT_RUNS,
    },
    provider: {
      headerTimeoutMs: settings.LOOMCYCLE_PROVIDER_HEADER_TIMEOUT_MS,
      idleTimeoutMs: settings.LOOMCYCLE_PROVIDER_IDLE_TIMEOUT_MS,
      localHeaderTimeoutMs: settings.LOOMCYCLE_OLLAMA_LOCAL_HEADER_TIMEOUT_MS,
      localIdleTimeoutMs: settings.LOOMCYCLE_OLLAMA_LOCAL_IDLE_TIMEOUT_MS,
      probeIntervalMs: settings.LOOMCYCLE_RESOLVE_PROBE_INTERVAL_MS,
      queueTimeoutMs: settings.LOOMCYCLE_PROVIDER_QUEUE_TIMEOUT_MS,
    },
    heartbeat: { intervalMs: settings.LOOMCYCLE_HEARTBEAT_INTERVAL_MS, staleAfterMs: settings.LOOMCYCLE_HEARTBEAT_STALE_MS },
    mock: { latencyMs: settings.LOOMCYCLE_MOCK_LATENCY_MS, failRate: settings.LOOMCYCLE_MOCK_FAIL_RATE },
    otel: { endpoint: settings.OTEL_EXPORTER_OTLP_ENDPOINT ?? null, serviceName: settings.OTEL_SERVICE_NAME },
    logLevel: settings.LOOMCYCLE_LOG_LEVEL,
  };
}
