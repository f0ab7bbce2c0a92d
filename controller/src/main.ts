/**
 * The controller's composition root: config → logger → kubeconfig → definition store →
 * informers (one per kind) → reconcilers → control loops → Lease elector → sidecar injector,
 * with the probe server up from the start. The only file that builds concrete adapters.
 * SIGTERM/SIGINT: stop taking work, finish in-flight reconciles (bounded), release the Lease,
 * close the store, exit 0.
 */
import { pino } from "pino";
import type { Logger } from "pino";
import type { KubeConfig } from "@kubernetes/client-node";
import { GROUP, KINDS, VERSION } from "./api/index.ts";
import { ConfigError, loadConfig } from "./config/index.ts";
import type { ControllerConfig } from "./config/index.ts";
import { SupervisedInformer } from "./kube/informer.ts";
import { loadKubeConfig } from "./kube/kube-config.ts";
import { AlwaysLeader, LeaseLeaderElector } from "./kube/leader-election.ts";
import { Controller } from "./reconcile/index.ts";
import type { KindController, Leadership, ObjectReader } from "./reconcile/index.ts";
import { createMetrics, startProbeServer } from "./serve/index.ts";
import type { Metrics, ReadinessCheck } from "./serve/index.ts";
import { openDefinitionStore } from "./store/open-definition-store.ts";
import { definitionControllers } from "./reconcilers/index.ts";
import { startInjector } from "./injector/index.ts";

/** Exit code for a configuration the controller cannot run with (the message names the variable). */
const EXIT_CONFIG = 2;
/** How long SIGTERM may take before the process gives up and exits 1 (below the chart's 30 s grace). */
const SHUTDOWN_TIMEOUT_MS = 25_000;
/** In-flight reconciles get this long to finish on shutdown or when leadership is lost. */
const DRAIN_TIMEOUT_MS = 15_000;

/** What is running: /readyz checks and stop steps are added as parts come up (stops run last-first). */
interface Running {
  config: ControllerConfig;
  log: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  stops: { name: string; stop: () => Promise<void> }[];
}

interface Election {
  leadership: Leadership;
  start(): void;
  stop(): Promise<void>;
}

function createElection(running: Running, kubeConfig: KubeConfig): Election {
  const { config, log } = running;
  const election = config.leaderElection;
  if (!election.enabled) return { leadership: new AlwaysLeader(), start: () => undefined, stop: async () => undefined };
  const elector = new LeaseLeaderElector({
    kubeConfig,
    namespace: config.controllerNamespace,
    name: election.leaseName,
    identity: config.controllerId,
    leaseDurationMs: election.leaseDurationMs,
    renewDeadlineMs: election.renewDeadlineMs,
    retryPeriodMs: election.retryPeriodMs,
    log: log.child({ part: "leader-election" }),
  });
  return { leadership: elector, start: () => elector.start(), stop: () => elector.stop({ release: true }) };
}

function createInformers(running: Running, kubeConfig: KubeConfig): Map<string, SupervisedInformer> {
  const log = running.log.child({ part: "informer" });
  const namespace = running.config.watchNamespace;
  return new Map(KINDS.map((kind) => [kind.plural, new SupervisedInformer({ kubeConfig, group: GROUP, version: VERSION, plural: kind.plural, namespace, log })]));
}

function informerFor(informers: Map<string, SupervisedInformer>, plural: string): SupervisedInformer {
  const informer = informers.get(plural);
  if (!informer) throw new Error(`no informer for ${plural}; the controller watches ${[...informers.keys()].join(", ")}`);
  return informer;
}

/** The definition store (the runtime's Postgres) and one reconciler per kind. */
async function startReconcilers(running: Running, informers: Map<string, SupervisedInformer>, kubeConfig: KubeConfig): Promise<KindController[]> {
  const { config, log } = running;
  const storeLog = log.child({ part: "store" });
  const store = await openDefinitionStore(config.databaseUrl, {
    onNoticeError: (error) => storeLog.warn({ error: error instanceof Error ? error.message : String(error) }, "definitions_changed notice failed; runtimes fall back to polling"),
  });
  storeLog.info({ store: store.description }, "definition store open");
  running.stops.push({ name: "store", stop: () => store.close() });
  running.readiness.push({ name: "store", check: async () => (await store.ping(), true) });
  const readerFor = (plural: string): ObjectReader => informerFor(informers, plural);
  return definitionControllers({ definitions: store.definitions, readerFor, kubeConfig });
}

/** The sidecar injector (every replica serves; the leader keeps its certificate), when enabled. */
async function startInjectorPart(running: Running, kubeConfig: KubeConfig, leadership: Leadership): Promise<void> {
  const { config, log } = running;
  if (!config.injector.enabled) return;
  const injector = await startInjector({ kubeConfig, config: config.injector, log: log.child({ part: "injector" }), leadership });
  running.stops.push({ name: "injector", stop: () => injector.stop() });
  running.readiness.push({ name: "injector", check: () => injector.ready() });
}

async function startParts(running: Running): Promise<void> {
  const { config, log, metrics } = running;
  const kubeConfig = loadKubeConfig();
  const informers = createInformers(running, kubeConfig);
  running.stops.push({ name: "informers", stop: async () => void (await Promise.all([...informers.values()].map((informer) => informer.stop()))) });
  running.readiness.push({ name: "informers", check: () => [...informers.values()].every((informer) => informer.ready()) });
  const kinds = await startReconcilers(running, informers, kubeConfig);
  const election = createElection(running, kubeConfig);
  running.stops.push({ name: "leader-election", stop: () => election.stop() });
  metrics.trackLeadership(election.leadership);
  const controllers = kinds.map(
    (kind) =>
      new Controller({ kind, objects: informerFor(informers, kind.plural), leadership: election.leadership, metrics: metrics.controller, log: log.child({ part: "controller" }), workers: config.workers, resyncMs: config.resyncMs, drainTimeoutMs: DRAIN_TIMEOUT_MS }),
  );
  running.stops.push({ name: "controllers", stop: async () => void (await Promise.all(controllers.map((controller) => controller.stop()))) });
  for (const controller of controllers) controller.start();
  await Promise.all([...informers.values()].map((informer) => informer.start()));
  election.start();
  await startInjectorPart(running, kubeConfig, election.leadership);
  log.info({ kinds: kinds.map((kind) => kind.kind), watchNamespace: config.watchNamespace || "(all)", leaderElection: config.leaderElection.enabled }, "controller started");
}

/** Runs the stop steps last-first; each failure is logged and the rest still run. */
async function stopAll(running: Running): Promise<void> {
  for (const { name, stop } of running.stops.splice(0).reverse()) {
    await stop().catch((error: unknown) => running.log.error({ part: name, error: error instanceof Error ? error.message : String(error) }, "stop step failed"));
  }
}

function readConfig(): ControllerConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

function onShutdownSignal(running: Running): void {
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    running.log.info({ signal }, "shutting down: draining reconciles, releasing the lease");
    setTimeout(() => {
      running.log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, "shutdown timed out");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    void stopAll(running).then(() => {
      running.log.info({}, "stopped");
      process.exit(0);
    });
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

async function startProbe(running: Running, starting: { done: boolean }): Promise<void> {
  running.readiness.push({ name: "startup", check: () => starting.done });
  const probe = await startProbeServer({ address: running.config.probe, readiness: running.readiness, registry: running.metrics.registry });
  running.stops.push({ name: "probe-server", stop: () => probe.close() });
  running.log.info({ probePort: probe.port }, "probe server listening (/healthz, /readyz, /metrics)");
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = pino({ level: config.logLevel, base: { component: "loomcycle-controller", controllerId: config.controllerId } });
  const running: Running = { config, log, metrics: createMetrics(), readiness: [], stops: [] };
  process.on("unhandledRejection", (reason) => {
    log.fatal({ error: describe(reason) }, "unhandled rejection; exiting");
    process.exit(1);
  });
  const starting = { done: false };
  onShutdownSignal(running);
  try {
    await startProbe(running, starting);
    await startParts(running);
    starting.done = true;
  } catch (error) {
    log.fatal({ error: describe(error) }, "controller failed to start");
    await stopAll(running);
    process.exit(1);
  }
}

await main();
