#!/usr/bin/env node
/**
 * The composition root and the `loomcycle` executable: the only module that builds concrete
 * adapters (store, queue, providers, tools, telemetry) and wires them into the services and
 * transports.
 */
import { hostname } from "node:os";
import packageJson from "../package.json" with { type: "json" };
import { runCli } from "./cli/index.ts";
import { withLocalOllamaDefault } from "./local-ollama-default.ts";
import type { Config, ProviderEndpoint } from "./config/index.ts";
import { newId } from "./domain/index.ts";
import type { Embedder, Logger } from "./domain/index.ts";
import { registerBuiltinTools } from "./build-tools.ts";
import { createModelLister } from "./model-listers.ts";
import { ConcurrencyGate, MOCK_MODELS, MockChatModel, ProviderRegistry, createAnthropicChatModel, createCodeJsChatModel, createGeminiChatModel, createOllamaChatModel, createOpenAiChatModel, createOpenAiEmbedder } from "./providers/index.ts";
import type { ChatModel } from "./providers/index.ts";
import { InProcessEventBus, InProcessRunQueue } from "./queue/index.ts";
import { AgentCatalog, ProviderHealth, ProviderProbe, RunExecutor, RunService, UsageService, EvaluationService, SubAgentService, HookService, InterruptService, ChannelService, MemoryService, DefinitionService, AuthService } from "./service/index.ts";
import { isLoopbackHost } from "./config/index.ts";
import { createHookRunner, ToolRegistry } from "./tools/index.ts";
import type { ServiceDeps } from "./service/index.ts";
import { createPgliteStore, createPostgresStore } from "./store/index.ts";
import type { Store } from "./store/index.ts";
import { createLogger, createMetrics, startTracing } from "./telemetry/index.ts";
import type { RuntimeMetrics } from "./telemetry/index.ts";
import { buildHttpApp, servedRoutes } from "./transports/http/index.ts";
import type { Authenticate } from "./transports/http/index.ts";
import { startRunWorker } from "./transports/worker/index.ts";

/** The runtime version, from the package manifest. */
export const VERSION: string = packageJson.version;

/** How long shutdown waits for running runs before leaving them to start-up recovery. */
const SHUTDOWN_GRACE_MS = 5_000;

/** A started runtime: where it listens and how to stop it. */
export interface Runtime {
  url: string;
  store: Store;
  /** Every HTTP route served, as `METHOD /pattern` (the scope matrix test walks them). */
  routes: readonly string[];
  close(): Promise<void>;
}

/** Opens the configured store: Postgres when a URL is set, else PGlite under the data dir. */
export function openStore(config: Config): Promise<Store> {
  if (config.databaseUrl !== null) return createPostgresStore({ url: config.databaseUrl });
  return createPgliteStore({ dataDir: config.dataDir });
}

/** Builds every adapter (a test may hand in its own store), recovers orphaned runs, starts the worker and the HTTP server. */
export async function createRuntime(config: Config, options: { logger?: Logger; store?: Store; authenticate?: Authenticate } = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  logStartup(logger, config);
  const tracing = await startTracing(config.otel);
  const { store, auth } = await openStoreWithAuth({ config, store: options.store, logger });
  const metrics = createMetrics(VERSION);
  const queue = new InProcessRunQueue({
    onError: (error, job) => logger.error({ err: error, run_id: job.runId }, "run job failed"),
    maxWaiting: config.concurrency?.maxQueueDepth,
  });
  const deps: ServiceDeps = {
    store,
    queue,
    bus: new InProcessEventBus(),
    agents: new AgentCatalog(await withLocalOllamaDefault(config, logger)),
    providers: buildProviders(config),
    routing: config.routing,
    aliases: config.models,
    health: new ProviderHealth(),
    pricing: config.pricing,
    tools: new ToolRegistry(),
    sandbox: { volumes: config.volumes, hostAllowlist: config.network.hostAllowlist, privateHostAllowlist: config.network.privateHostAllowlist },
    limits: {
      toolParallelism: config.limits.toolParallelism,
      headerTimeoutMs: config.provider.headerTimeoutMs,
      idleTimeoutMs: config.provider.idleTimeoutMs,
      heartbeatIntervalMs: config.heartbeat.intervalMs,
      staleAfterMs: config.heartbeat.staleAfterMs,
    },
    logger,
    metrics: metrics.runs,
    ownerId: `${hostname()}:${process.pid}:${newId("proc")}`,
    contextPlugins: buildContextPlugins(config),
    hooks: new HookService({ store: store.hooks, runner: createHookRunner({ privateHosts: config.network.privateHostAllowlist }) }),
    concurrency: config.concurrency,
  };
  const { runs, executor, evaluations, interrupts, channels, memory, definitions } = createServices(config, deps);
  await Promise.all([
    channels.declareFromConfig(config.channels ?? []),
    deps.agents.useDefinitions(() => store.definitions.listActive("agent"), { onError: (error) => logger.warn({ err: error }, "reloading agent definitions failed") }),
  ]);
  const recovered = await executor.recover({ exclusive: config.databaseUrl === null });
  if (recovered.resumed.length > 0) logger.warn({ runs: recovered.resumed }, "resuming runs a stopped process left behind");
  if (recovered.interrupted.length > 0) logger.warn({ runs: recovered.interrupted }, "interrupted runs that stopped their process too often");
  startRunWorker({ queue, executor, concurrency: config.limits.maxConcurrentRuns });
  executor.startHeartbeat();
  const probe = startMonitoring({ config, deps, metrics, queue });

  const app = buildHttpApp({
    ...(options.authenticate ? { authenticate: options.authenticate } : {}),
    auth,
    runs,
    agents: deps.agents,
    usage: new UsageService(store),
    evaluations,
    interrupts,
    channels,
    memory,
    definitions,
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
    resolver: probe,
    logger,
    version: VERSION,
    limits: { maxRequestBytes: config.limits.maxRequestBytes, sseKeepaliveMs: config.limits.sseKeepaliveMs },
    ready: () => store.ping(),
    metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
  });
  const address = await app.listen({ host: config.listen.host, port: config.listen.port });
  logger.info({ url: address, store: store.description, agents: config.agents.length }, "loomcycle listening");

  const close = async (): Promise<void> => {
    executor.stopHeartbeat();
    deps.agents.stop();
    probe.stop();
    const closing = app.close();
    await Promise.race([queue.close(), delay(SHUTDOWN_GRACE_MS)]);
    app.server.closeAllConnections();
    await closing;
    await store.close();
    await tracing.shutdown();
  };
  return { url: address.replace("[::1]", "localhost"), store, routes: servedRoutes(app), close };
}

/** The store (the test's, or the configured one) and auth over it; a store opened here is closed again if auth refuses to start. */
async function openStoreWithAuth(options: { config: Config; store: Store | undefined; logger: Logger }): Promise<{ store: Store; auth: AuthService }> {
  const store = options.store ?? (await openStore(options.config));
  try {
    return { store, auth: await startAuth({ config: options.config, store, logger: options.logger }) };
  } catch (error) {
    if (options.store === undefined) await store.close();
    throw error;
  }
}

/**
 * Bearer auth over the store's tokens. Refuses to start in open mode (no token of any kind) on a
 * non-loopback address, and warns loudly when it starts open on loopback.
 */
async function startAuth(options: { config: Config; store: Store; logger: Logger }): Promise<AuthService> {
  const { config, logger } = options;
  const settings = config.auth ?? { token: null, pepper: "", rotationGraceSeconds: 0 };
  const auth = new AuthService({
    store: options.store.tokens,
    sharedToken: settings.token,
    pepper: settings.pepper,
    rotationGraceSeconds: settings.rotationGraceSeconds,
    loopback: isLoopbackHost(config.listen.host),
    logger,
  });
  const mode = await auth.startupMode(config.listen.host);
  if (mode === "open") {
    logger.warn({ host: config.listen.host }, "OPEN MODE: no auth token is configured, so every local caller is an admin. Run `loomcycle init --with-token` or set LOOMCYCLE_AUTH_TOKEN before exposing this runtime.");
  }
  return auth;
}

/** The services over the adapters, and the built-in tools, which call back into them. */
function createServices(
  config: Config,
  deps: ServiceDeps,
): { runs: RunService; executor: RunExecutor; evaluations: EvaluationService; interrupts: InterruptService; channels: ChannelService; memory: MemoryService; definitions: DefinitionService } {
  const runs = new RunService(deps);
  const executor = new RunExecutor(deps, runs);
  const evaluations = new EvaluationService({ store: deps.store, agents: deps.agents });
  const interrupts = new InterruptService({ store: deps.store, agents: deps.agents });
  const channels = new ChannelService({ store: deps.store, agents: deps.agents });
  const subAgents = new SubAgentService(deps, runs, executor);
  const memory = new MemoryService({ backend: deps.store.memory, embedder: buildEmbedder(config), agents: deps.agents, logger: deps.logger });
  const definitions = new DefinitionService({ store: deps.store.definitions, agents: deps.agents });
  registerBuiltinTools(deps.tools, { config, runs, agents: deps.agents, evaluations, subAgents, interrupts, channels, memory, definitions });
  return { runs, executor, evaluations, interrupts, channels, memory, definitions };
}

/**
 * Registers the concurrency gauges (worker slots, and per provider its `max_concurrent` slots in
 * use) and starts the availability probe, which runs in the background and never holds up start-up.
 */
function startMonitoring(options: { config: Config; deps: ServiceDeps; metrics: RuntimeMetrics; queue: InProcessRunQueue }): ProviderProbe {
  const { config, deps, metrics, queue } = options;
  metrics.gauge("loomcycle_concurrency_active", "Runs executing in this process", () => queue.depth().active);
  metrics.gauge("loomcycle_concurrency_queued", "Runs waiting for a worker slot", () => queue.depth().waiting);
  for (const gate of deps.providers.gates()) {
    const name = `loomcycle_provider_slots_in_use_${gate.provider.replace(/[^a-zA-Z0-9_]/g, "_")}`;
    metrics.gauge(name, `Model calls in flight on ${gate.provider} (max_concurrent ${gate.limit})`, () => gate.inUse());
  }
  const probe = new ProviderProbe({ endpoints: config.providerEndpoints, registry: deps.providers, health: deps.health });
  probe.start(config.provider.probeIntervalMs);
  return probe;
}

/**
 * The provider registry: the mock always; every enabled real provider (its key read from the
 * variable the config names, here and only here) with its model lister and, when it sets
 * `max_concurrent`, its gate; code-js for agents that carry code.
 */
function buildProviders(config: Config): ProviderRegistry {
  const providers = new ProviderRegistry();
  const mockModels: readonly string[] = MOCK_MODELS;
  providers.register("mock", (modelId) => (mockModels.includes(modelId) ? new MockChatModel(modelId, config.mock) : null));
  for (const endpoint of config.providerEndpoints) {
    if (!endpoint.enabled) continue;
    const apiKey = endpoint.apiKeyEnv === null ? undefined : process.env[endpoint.apiKeyEnv];
    const gate = endpoint.maxConcurrent
      ? new ConcurrencyGate({ provider: endpoint.id, limit: endpoint.maxConcurrent, queueTimeoutMs: config.provider.queueTimeoutMs })
      : undefined;
    const listModels = createModelLister({ endpoint, apiKey });
    const streamTimeouts = endpoint.id === "ollama-local" ? { headerMs: config.provider.localHeaderTimeoutMs, idleMs: config.provider.localIdleTimeoutMs } : undefined;
    const build = (model: string): ChatModel => createDriver({ endpoint, model, apiKey, streamTimeouts });
    providers.register(endpoint.id, build, { listModels, ...(gate ? { gate } : {}) });
  }
  const code = new Map(config.agents.flatMap((agent) => (agent.provider === "code-js" && agent.code ? [[agent.name, agent.code] as const] : [])));
  providers.register("code-js", (model) => {
    const source = code.get(model);
    return source === undefined ? null : createCodeJsChatModel({ model, code: source });
  });
  return providers;
}

type DriverOptions = { provider: string; model: string; apiKey?: string; baseUrl?: string; streamTimeouts?: { headerMs: number; idleMs: number } };

/** One constructor per wire; every real provider id maps onto one of these. */
const DRIVERS: Readonly<Record<ProviderEndpoint["driver"], (options: DriverOptions) => ChatModel>> = {
  anthropic: ({ streamTimeouts: _, ...options }) => createAnthropicChatModel(options),
  openai: ({ streamTimeouts: _, ...options }) => createOpenAiChatModel({ ...options, dialect: "openai" }),
  deepseek: ({ streamTimeouts: _, ...options }) => createOpenAiChatModel({ ...options, dialect: "deepseek" }),
  gemini: ({ streamTimeouts: _, ...options }) => createGeminiChatModel(options),
  ollama: ({ baseUrl, ...options }) => createOllamaChatModel({ ...options, host: baseUrl ?? "http://127.0.0.1:11434" }),
};

function createDriver(options: {
  endpoint: ProviderEndpoint;
  model: string;
  apiKey: string | undefined;
  streamTimeouts: DriverOptions["streamTimeouts"] | undefined;
}): ChatModel {
  const { endpoint } = options;
  return DRIVERS[endpoint.driver]({
    provider: endpoint.id,
    model: options.model,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(endpoint.baseUrl ? { baseUrl: endpoint.baseUrl } : {}),
    ...(options.streamTimeouts ? { streamTimeouts: options.streamTimeouts } : {}),
  });
}

/** The embedder for vector memory (`memory.embedder`), its key read here from the variable the config names; null = none. */
function buildEmbedder(config: Config): Embedder | null {
  const embedder = config.memory.embedder;
  if (embedder === null) return null;
  const apiKey = embedder.apiKeyEnv === null ? undefined : process.env[embedder.apiKeyEnv];
  return createOpenAiEmbedder({
    provider: embedder.provider,
    baseUrl: embedder.baseUrl,
    model: embedder.model,
    ...(apiKey ? { apiKey } : {}),
    ...(embedder.dimensions === null ? {} : { dimensions: embedder.dimensions }),
  });
}

/** Context-transform plugins; the redact plugin's secret values are read here, never stored in the Config. */
function buildContextPlugins(config: Config): ServiceDeps["contextPlugins"] {
  const redact = config.contextPlugins.redact;
  if (redact === null) return {};
  const values = redact.valuesEnv.flatMap((name) => process.env[name] ?? []).filter((value) => value !== "");
  return { redact: { values, patterns: redact.patterns } };
}

function logStartup(logger: Logger, config: Config): void {
  for (const warning of config.warnings) logger.warn({}, warning);
  const enabled = config.providerEndpoints.filter((endpoint) => endpoint.enabled).map((endpoint) => endpoint.id);
  logger.info({ providers: enabled }, config.defaultAgent);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function waitForShutdown(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    color: process.stdout.isTTY,
    startRuntime: (config) => createRuntime(config),
    probeStore: openStore,
    waitForShutdown,
  });
  process.exitCode = code;
}
