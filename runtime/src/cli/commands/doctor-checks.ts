import { createServer } from "node:net";
import { BUILTIN_PROVIDER_KEYS, loadConfig } from "../../config/index.ts";
import type { Config, ConfigFlags } from "../../config/index.ts";
import { isAppError } from "../../domain/index.ts";
import { cwdOf } from "../config-flags.ts";
import { agentSummary, storeKind } from "../describe-config.ts";
import type { CliDeps } from "../types.ts";
import type { CheckResult } from "./doctor-report.ts";

/** How the embedded store says another process holds its data dir. */
const IN_USE_PATTERN = /in use by (?:process|pid) (\d+)/i;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Loads the config: ✓ with its file, ! per warning, or ✗ with every issue (then the config is null). */
export function checkConfig(options: { deps: CliDeps; flags: ConfigFlags }): { config: Config | null; results: CheckResult[] } {
  try {
    const config = loadConfig({ env: options.deps.env, flags: options.flags, ...cwdOf(options.deps) });
    const source = config.configFile ?? "no loomcycle.yaml found; using defaults (create one with loomcycle init)";
    const results: CheckResult[] = [{ status: "ok", label: "config", text: source }];
    for (const warning of config.warnings) {
      results.push({ status: "warn", label: "config", text: warning, fix: "remove it, or keep it for when this build supports it" });
    }
    return { config, results };
  } catch (error) {
    if (!isAppError(error, "CONFIG_INVALID")) throw error;
    return { config: null, results: [{ status: "fail", label: "config", text: error.message, fix: "correct each line above (file:line:col: field: problem)" }] };
  }
}

/** Lists the agents and where they come from. */
export function checkAgents(config: Config): CheckResult {
  const from = config.agentsDir === null ? "" : ` from ${config.agentsDir}${config.configFile === null ? "" : " and the config file"}`;
  const builtin = config.agents.some((agent) => agent.source === "builtin") ? `; ${config.defaultAgent}` : "";
  return { status: "ok", label: "agents", text: `${agentSummary(config)}${from}${builtin}` };
}

/** Opens and closes the configured store; a data dir held by a running server is fine. */
export async function checkStore(options: { deps: CliDeps; config: Config }): Promise<CheckResult> {
  const { config } = options;
  try {
    const probe = await options.deps.probeStore(config);
    await probe.close();
    return { status: "ok", label: "store", text: `${probe.description} reachable` };
  } catch (error) {
    const pid = inUseBy(error);
    if (pid !== null) return { status: "warn", label: "store", text: `${storeKind(config)} in use by a running loomcycle (pid ${pid}); ok` };
    const fix = config.databaseUrl === null
      ? `check that ${config.dataDir} is writable, or choose another with --data-dir / LOOMCYCLE_DATA_DIR`
      : "check LOOMCYCLE_DATABASE_URL and that the Postgres server is up and accepts the credentials";
    return { status: "fail", label: "store", text: `${storeKind(config)}: ${messageOf(error)}`, fix };
  }
}

function inUseBy(error: unknown): string | null {
  const pid = isAppError(error) ? error.details["pid"] : undefined;
  if (typeof pid === "number" || typeof pid === "string") return String(pid);
  return IN_USE_PATTERN.exec(messageOf(error))?.[1] ?? null;
}

/**
 * Which provider keys are set (never their values). A key that a configured agent's provider
 * needs and that is missing is a ! with the export to run; the others are listed once.
 */
export function checkProviderKeys(config: Config): CheckResult[] {
  const entries = Object.entries(config.providerKeysPresent);
  const set = entries.filter(([, present]) => present).map(([name]) => name);
  const needed = neededKeys(config);
  const missingNeeded = needed.filter((name) => config.providerKeysPresent[name] !== true);
  const unused = entries.filter(([name, present]) => !present && !needed.includes(name)).map(([name]) => name);
  const usesMockOnly = config.agents.every((agent) => agent.provider === "mock");
  const parts = [set.length > 0 ? `set: ${set.join(", ")}` : "none set"];
  if (usesMockOnly) parts.push("every agent uses the mock provider, which needs none");
  if (unused.length > 0) parts.push(`not set (no agent needs them): ${unused.join(", ")}`);
  const results: CheckResult[] = [{ status: "ok", label: "provider keys", text: parts.join("; ") }];
  for (const name of missingNeeded) {
    results.push({ status: "warn", label: "provider keys", text: `${name} is not set, and an agent's provider needs it`, fix: `export ${name}=…` });
  }
  return results;
}

/** The key variables the configured agents' providers read. */
function neededKeys(config: Config): string[] {
  const builtin: readonly string[] = BUILTIN_PROVIDER_KEYS;
  const names = new Set<string>();
  for (const provider of agentProviders(config)) {
    const custom = config.providers[provider]?.api_key_env;
    const standard = `${provider.toUpperCase().replace(/-/g, "_")}_API_KEY`;
    if (custom !== undefined) names.add(custom);
    else if (builtin.includes(standard)) names.add(standard);
  }
  return [...names];
}

/** Providers the agents may run on: their pins, and their tiers' candidates in the default user tier. */
function agentProviders(config: Config): Set<string> {
  const tiers = config.routing.userTiers["default"]?.tiers ?? {};
  const providers = new Set<string>();
  for (const agent of config.agents) {
    if (agent.provider !== undefined) providers.add(agent.provider);
    if (agent.tier !== undefined) for (const ref of tiers[agent.tier] ?? []) providers.add(ref.provider);
  }
  return providers;
}

/** Tries to bind the listen address: free, in use (probably a running loomcycle), or not bindable. */
export async function checkListen(config: Config): Promise<CheckResult> {
  const { host, port } = config.listen;
  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const error = await tryBind(config.listen);
  if (error === null) return { status: "ok", label: "listen", text: `${address} is free` };
  if (error.code === "EADDRINUSE") {
    return { status: "warn", label: "listen", text: `${address} in use: is loomcycle already running? \`loomcycle run\` will use it` };
  }
  return {
    status: "fail",
    label: "listen",
    text: `cannot listen on ${address}: ${error.message}`,
    fix: "choose another address with --host/--port or LOOMCYCLE_LISTEN_ADDR",
  };
}

function tryBind(listen: Config["listen"]): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error));
    server.listen({ host: listen.host, port: listen.port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}
