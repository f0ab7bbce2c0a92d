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
import { registerScaleSignals } from "./register-scale-signals.ts";
import { ConcurrencyGate, MOCK_MODELS, MockChatModel, ProviderRegistry, createAnthropicChatModel, createCodeJsChatModel, createGeminiChatModel, createOllamaChatModel, createOpenAiChatModel, createOpenAiEmbedder } from "./providers/index.ts";
import type { ChatModel } from "./providers/index.ts";
import { BullmqRunQueue, InProcessEventBus, InProcessRunQueue, InProcessRunStateFeed, PgControlBus, RedisEventBus, RedisRunStateFeed } from "./queue/index.ts";
import type { ControlBus, RunEventBus, RunQueue, RunStateFeed } from "./queue/index.ts";
import { AgentCatalog, ProviderHealth, ProviderProbe, RunExecutor, RunService, UsageService, EvaluationService, SubAgentService, HookService, InterruptService, ChannelService, MemoryService, DefinitionService, AuthService, DEFAULT_IDEMPOTENCY_TTL_SECONDS, startIdempotencySweep, PauseService, credentialKey, LlmGateway } from "./service/index.ts";
import { isLoopbackHost } from "./config/index.ts";
import { createHookRunner, ToolRegistry } from "./tools/index.ts";
import type { ServiceDeps } from "./service/index.ts";
import { createPgliteStore, createPostgresStore } from "./store/index.ts";
import type { Store } from "./store/index.ts";
import { createLogger, createMetrics, startTracing } from "./telemetry/index.ts";
import type { RuntimeMetrics } from "./telemetry/index.ts";
import { buildHttpApp, servedRoutes } from "./transports/http/index.ts";
import type { Authenticate } from "./transports/http/index.ts";
import { startHealthServer, startQueueSweep, startRunWorker } from "./transports/worker/index.ts";
import { createMcpEndpoint } from "./transports/mcp/index.ts";
import { buildSnapshots } from "./build-snapshots.ts";

/** The runtime version, from the package manifest. */
export const VERSION: string = packageJson.version;

/** The longest BullMQ job lock: crash detection of a worker's jobs, not of its runs (Postgres heartbeats). */
const MAX_JOB_LOCK_MS = 30_000;

/** How long a worker's store statements retry while Postgres cannot be reached (restart, failover) before they fail. */
const WORKER_STORE_RETRY_MS = 30_000;

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
  // A worker rides out a Postgres restart (its runs' writes wait) instead of failing the runs it executes.
  if (config.databaseUrl !== null) return createPostgresStore({ url: config.databaseUrl, ...(roleOf(config) === "worker" ? { retryUnavailableMs: WORKER_STORE_RETRY_MS } : {}) });
  return createPgliteStore({ dataDir: config.dataDir });
}

/** The process role: `all` unless `--role` / LOOMCYCLE_ROLE says api or worker. */
function roleOf(config: Config): "api" | "worker" | "all" {
  return config.cluster?.role ?? "all";
}

/**
 * The run queue and event bus: BullMQ and Redis pub/sub when LOOMCYCLE_REDIS_URL is set (every
 * process of the cluster shares them), else the embedded in-process pair. The BullMQ lock (at
 * most 30 s, renewed every half of it while the process lives) expires before the run's heartbeat
 * goes stale, so a dead worker's job is already back in the queue when the run is reclaimed: the
 * resume follows the reclaim at once. A lock lost while the worker lives takes nothing away: the
 * run stays claimed in Postgres, so the redelivered job is a no-op.
 */
function buildQueueAndBus(config: Config, logger: Logger, metrics: RuntimeMetrics): { queue: RunQueue; bus: RunEventBus; runStates: RunStateFeed } {
  const cluster = config.cluster;
  if (cluster?.redisUrl == null) {
    const queue = new InProcessRunQueue({
      onError: (error, job) => logger.error({ err: error, run_id: job.runId }, "run job failed"),
      maxWaiting: config.concurrency?.maxQueueDepth,
    });
    return { queue, bus: new InProcessEventBus(), runStates: new InProcessRunStateFeed() };
  }
  const queue = new BullmqRunQueue({
    redisUrl: cluster.redisUrl,
    prefix: cluster.redisPrefix,
    maxWaiting: config.concurrency?.maxQueueDepth,
    onError: (error, job) => logger.error({ err: error, ...(job ? { run_id: job.runId } : {}) }, "run queue error"),
    lockDurationMs: Math.min(config.heartbeat.staleAfterMs, MAX_JOB_LOCK_MS),
    stalledIntervalMs: Math.max(1_000, Math.min(config.heartbeat.staleAfterMs, MAX_JOB_LOCK_MS) / 2),
  });
  const bus = new RedisEventBus({ redisUrl: cluster.redisUrl, prefix: cluster.redisPrefix, onError: (error) => logger.warn({ err: error }, "event bus error"), onLag: metrics.backplaneLag });
  // Run state changes (GET /v1/users/{id}/agents/stream): workers publish, api processes follow.
  const runStates = new RedisRunStateFeed({ redisUrl: cluster.redisUrl, prefix: cluster.redisPrefix, onError: (error) => logger.warn({ err: error }, "run state feed error") });
  return { queue, bus, runStates };
}

/**
 * Start-up recovery (every role: orphaned runs go back to the queue, queued runs are enqueued),
 * then, in roles worker and all, execution: the queue consumer and the heartbeat. An api process
 * only enqueues. On a shared queue (BullMQ) a worker also sweeps: runs left queued in the store
 * get enqueued again. Returns the stop function.
 */
async function startWorkerRole(options: { config: Config; queue: RunQueue; executor: RunExecutor; logger: Logger; store: Store; pause: PauseService }): Promise<() => void> {
  const { config, queue, executor, logger } = options;
  // The pause state first: runs this process claims while the runtime is paused park at once.
  await options.pause.start();
  // In a cluster a queue that is down must not stop the process: the workers' sweeps retry the enqueues.
  const recovered = await executor.recover({ exclusive: config.databaseUrl === null }).catch((error: unknown) => {
    if (config.cluster?.redisUrl == null) throw error;
    logger.error({ err: error }, "start-up recovery failed; the workers' recovery sweeps retry it");
    return { resumed: [], interrupted: [], requeued: [] };
  });
  if (recovered.resumed.length > 0) logger.warn({ runs: recovered.resumed }, "resuming runs a stopped process left behind");
  if (recovered.interrupted.length > 0) logger.warn({ runs: recovered.interrupted }, "interrupted runs that stopped their process too often");
  if (roleOf(config) === "api") return () => undefined;
  startRunWorker({ queue, executor, concurrency: config.limits.maxConcurrentRuns });
  executor.startHeartbeat();
  const stopRetention = startIdempotencySweep({ store: options.store, ttlSeconds: config.idempotency?.ttlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS, logger });
  const cluster = config.cluster;
  const stopSweep = cluster?.redisUrl == null ? () => undefined : startQueueSweep({ executor, intervalMs: cluster.sweepIntervalMs, logger });
  return () => {
    stopSweep();
    stopRetention();
    executor.stopHeartbeat();
  };
}

/** A worker process serves no API: only its health listener (health, readiness, metrics) on the configured address. */
async function serveWorkerHealth(options: { config: Config; store: Store; metrics: ReturnType<typeof createMetrics>; logger: Logger; shutdown: () => Promise<void> }): Promise<Runtime> {
  const { config, store, metrics } = options;
  const health = await startHealthServer({
    ...config.listen,
    version: VERSION,
    ready: () => store.ping(),
    metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
  });
  options.logger.info({ url: health.url, store: store.description }, "loomcycle worker executing queued runs (health and metrics only)");
  const close = async (): Promise<void> => {
    await health.close();
    await options.shutdown();
  };
  return { url: health.url, store, routes: [], close };
}

/** Builds every adapter (a test may hand in its own store), recovers orphaned runs, starts the worker and the HTTP server. */
export async function createRuntime(config: Config, options: { logger?: Logger; store?: Store; authenticate?: Authenticate } = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  logStartup(logger, config);
  const tracing = await startTracing(config.otel);
  const metrics = createMetrics(VERSION);
  const control = await openControl(config, logger, metrics);
  const { store, auth } = await openStoreWithAuth({ config, store: options.store, logger, control: control.bus });
  const { queue, bus, runStates } = buildQueueAndBus(config, logger, metrics);
  const deps: ServiceDeps = {
    store,
    queue,
    bus,
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
    ...control.deps,
    contextPlugins: buildContextPlugins(config),
    hooks: new HookService({ store: store.hooks, runner: createHookRunner({ privateHosts: config.network.privateHostAllowlist }) }),
    concurrency: config.concurrency,
    idempotencyTtlSeconds: config.idempotency?.ttlSeconds,
    runStates,
    ...(config.auth?.sealingKey ? { credentialKey: credentialKey(config.auth.sealingKey) } : {}),
    credentialsNeedKey: roleOf(config) === "api",
  };
  const { runs, executor, evaluations, interrupts, channels, memory, definitions, pause } = createServices(config, deps);
  await Promise.all([
    channels.declareFromConfig(config.channels ?? []),
    deps.agents.useDefinitions(() => store.definitions.listActive("agent"), { onError: (error) => logger.warn({ err: error }, "reloading agent definitions failed") }),
  ]);
  const stopWorker = await startWorkerRole({ config, queue, executor, logger, store, pause });
  const probe = startMonitoring({ config, deps, metrics, queue, runs });
  if (roleOf(config) === "worker") {
    return serveWorkerHealth({
      config,
      store,
      metrics,
      logger,
      shutdown: async () => {
        deps.agents.stop();
        probe.stop();
        // The heartbeat goes on while runs park: they are alive here until they return.
        await handBackRuns({ pause, queue, graceMs: config.shutdown?.graceMs ?? SHUTDOWN_GRACE_MS, logger });
        stopWorker();
        pause.stop();
        await Promise.all([bus.close?.(), control.bus?.close(), runStates.close?.()]);
        await store.close();
        await tracing.shutdown();
      },
    });
  }

  const app = buildHttpApp({
    ...(options.authenticate ? { authenticate: options.authenticate } : {}),
    auth,
    runs,
    agents: deps.agents,
    usage: new UsageService(store),
    gateway: new LlmGateway({ providers: deps.providers, routing: deps.routing, aliases: deps.aliases, health: deps.health, pricing: deps.pricing, store, logger, embedder: buildEmbedder(config) }),
    evaluations,
    interrupts,
    channels,
    memory,
    definitions,
    snapshots: buildSnapshots({ config, store, runs, agents: deps.agents, logger, pause }),
    pause,
    mcp: createMcpEndpoint({ runs, pause, logger, version: VERSION, listenHost: config.listen.host, baseUrl: config.baseUrl }),
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
    deps.agents.stop();
    probe.stop();
    const closing = app.close();
    if (roleOf(config) === "api") await Promise.race([queue.close(), delay(SHUTDOWN_GRACE_MS)]);
    else await handBackRuns({ pause, queue, graceMs: config.shutdown?.graceMs ?? SHUTDOWN_GRACE_MS, logger });
    stopWorker();
    pause.stop();
    app.server.closeAllConnections();
    await closing;
    await bus.close?.();
    await runStates.close?.();
    await control.bus?.close();
    await store.close();
    await tracing.shutdown();
  };
  return { url: address.replace("[::1]", "localhost"), store, routes: servedRoutes(app), close };
}

/**
 * This process's id and the control backplane (cancel and its acknowledgement across processes):
 * Postgres LISTEN/NOTIFY when the store is a shared Postgres; none in embedded mode, where this
 * process is alone and cancels locally. Its LISTEN connection is named `loomcycle-control:<pid>`.
 */
async function openControl(config: Config, logger: Logger, metrics: RuntimeMetrics): Promise<{ bus?: ControlBus; deps: Pick<ServiceDeps, "ownerId" | "control" | "cancelAckTimeoutMs"> }> {
  const ownerId = `${hostname()}:${process.pid}:${newId("proc")}`;
  const ackTimeout = config.control === undefined ? {} : { cancelAckTimeoutMs: config.control.ackTimeoutMs };
  if (config.databaseUrl === null) return { deps: { ownerId, ...ackTimeout } };
  const bus = await PgControlBus.connect({
    url: config.databaseUrl,
    origin: ownerId,
    applicationName: `loomcycle-control:${process.pid}`,
    ...(config.control === undefined ? {} : { reconnectMs: config.control.reconnectMs }),
    onError: (error) => logger.warn({ err: error }, "control backplane connection lost; reconnecting"),
    onLag: metrics.backplaneLag,
  });
  return { bus, deps: { ownerId, control: bus, ...ackTimeout } };
}

/** The store (the test's, or the configured one) and auth over it; a store opened here is closed again if auth refuses to start. */
async function openStoreWithAuth(options: { config: Config; store: Store | undefined; logger: Logger; control: ControlBus | undefined }): Promise<{ store: Store; auth: AuthService }> {
  const store = options.store ?? (await openStore(options.config));
  try {
    return { store, auth: await startAuth({ config: options.config, store, logger: options.logger, control: options.control }) };
  } catch (error) {
    if (options.store === undefined) await store.close();
    throw error;
  }
}

/**
 * Bearer auth over the store's tokens. Refuses to start in open mode (no token of any kind) on a
 * non-loopback address, and warns loudly when it starts open on loopback.
 */
async function startAuth(options: { config: Config; store: Store; logger: Logger; control: ControlBus | undefined }): Promise<AuthService> {
  const { config, logger } = options;
  const settings = config.auth ?? { token: null, pepper: "", rotationGraceSeconds: 0 };
  const auth = new AuthService({
    store: options.store.tokens,
    control: options.control,
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
): {
  runs: RunService;
  executor: RunExecutor;
  evaluations: EvaluationService;
  interrupts: InterruptService;
  channels: ChannelService;
  memory: MemoryService;
  definitions: DefinitionService;
  pause: PauseService;
} {
  const runs = new RunService(deps);
  const executor = new RunExecutor(deps, runs);
  const evaluations = new EvaluationService({ store: deps.store, agents: deps.agents });
  const interrupts = new InterruptService({ store: deps.store, agents: deps.agents });
  const channels = new ChannelService({ store: deps.store, agents: deps.agents });
  const subAgents = new SubAgentService(deps, runs, executor);
  const memory = new MemoryService({ backend: deps.store.memory, embedder: buildEmbedder(config), agents: deps.agents, logger: deps.logger });
  const onNoticeError = (error: unknown): void => deps.logger.warn({ err: error }, "definition change notice failed; other processes re-read definitions on their timer");
  const definitions = new DefinitionService({ store: deps.store.definitions, agents: deps.agents, control: deps.control, onNoticeError });
  registerBuiltinTools(deps.tools, { config, runs, agents: deps.agents, evaluations, subAgents, interrupts, channels, memory, definitions });
  const pause = new PauseService({ store: deps.store, runs, bus: deps.control, logger: deps.logger });
  return { runs, executor, evaluations, interrupts, channels, memory, definitions, pause };
}

/**
 * Registers the concurrency gauges (worker slots, and per provider its `max_concurrent` slots in
 * use) and the scale signals (queue depth, runs by status, lease age), and starts the availability probe, which runs in the background and never holds up start-up.
 */
function startMonitoring(options: { config: Config; deps: ServiceDeps; metrics: RuntimeMetrics; queue: RunQueue; runs: RunService }): ProviderProbe {
  const { config, deps, metrics, queue } = options;
  registerScaleSignals({ metrics, store: deps.store, queue, liveRuns: () => options.runs.live.size });
  metrics.gauge("loomcycle_concurrency_active", "Runs executing in this process", () => queue.depth().active);
  metrics.gauge("loomcycle_concurrency_queued", "Runs waiting for a worker slot", () => queue.depth().waiting);
  metrics.gauge("loomcycle_user_stream_followers", "Open GET /v1/users/{id}/agents/stream followers in this process", () => deps.runStates?.listenerCount?.() ?? 0);
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

/** After the forced park, how long shutdown waits for the aborted runs to record their park. */
const HAND_BACK_SETTLE_MS = 5_000;

/**
 * Graceful shutdown of an executing process (SIGTERM): stop taking jobs, ask the runs executing
 * here to park as `queued` at their next iteration boundary (each goes back to the queue and
 * resumes on another worker, or after a restart), park them at once when the grace period runs
 * out, and wait for the executions to return. Nothing is lost: a run that does not return in time
 * keeps its heartbeat row and is reclaimed like a crashed one.
 */
async function handBackRuns(options: { pause: PauseService; queue: RunQueue; graceMs: number; logger: Logger }): Promise<void> {
  const { pause, queue, graceMs } = options;
  const asked = pause.handBack({ force: false });
  if (asked > 0) options.logger.info({ runs: asked, grace_ms: graceMs }, "shutting down: handing the runs executing here back to the queue");
  const closing = queue.close();
  const force = setTimeout(() => pause.handBack({ force: true }), graceMs);
  try {
    await Promise.race([closing, delay(graceMs + HAND_BACK_SETTLE_MS)]);
  } finally {
    clearTimeout(force);
  }
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
