/**
 * The controller section of `npm run bench` (`--only controller`): a real kube-apiserver + etcd
 * (scripts/k8s-testenv.sh), one `node controller/src/main.ts` process, Postgres. Measures
 * apply→Ready latency (sequential creates, each a new Agent, from the API create call to
 * Ready=True seen by a watch) and the time to reconcile 1,000 Agents created at once, and
 * collects what bounds them: CPU per process, apiserver requests and Postgres transactions per
 * object, the controller's own reconcile metrics.
 */
import { readFile, readdir } from "node:fs/promises";
import { request } from "node:https";
import { loadavg } from "node:os";
import { makeInformer } from "@kubernetes/client-node";
import type { KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import { GROUP, VERSION } from "../../controller/src/api/index.ts";
import { metricSum } from "../../e2e/support/controller-process.ts";
import type { ControllerProcess } from "../../e2e/support/controller-process.ts";
import { conditionOf } from "../../e2e/support/kube.ts";
import type { CustomObject } from "../../e2e/support/kube.ts";
import { startSystem } from "../../e2e/support/system.ts";
import type { E2eSystem } from "../../e2e/support/system.ts";
import { percentile } from "./load.ts";

/** The spread of a set of samples (ms). */
export interface Spread {
  p50: number;
  p99: number;
  max: number;
}

/** apply→Ready latency: `rounds` rounds of `perRound` sequential creates. */
export interface LatencyResult {
  rounds: number;
  perRound: number;
  /** Each round's p50 and p99 (ms). */
  roundP50: number[];
  roundP99: number[];
  /** Over every sample of every round. */
  all: Spread & { min: number };
}

/** One burst of `objects` Agents created at once. */
export interface BulkRun {
  /** Which setup: the default one, more reconcile workers, or with a runtime process listening. */
  setup: string;
  /** LOOMCYCLE_RECONCILE_WORKERS. */
  workers: number;
  objects: number;
  /** Until the last create call answered. */
  createMs: number;
  /** From the first create call until every object was seen Ready=True. */
  allReadyMs: number;
  /** Creates → Ready: the time each object waited (p50/p99/max). */
  perObjectMs: Spread;
  /** CPU (user + system) each process spent during the burst, ms. */
  cpuMs: Record<string, number>;
  /** apiserver requests per object during the burst, by verb and resource (from the apiserver's /metrics). */
  apiRequestsPerObject: Record<string, number>;
  /** Postgres transactions committed in the database per object. */
  pgTransactionsPerObject: number;
  /** The controller's reconciles per object and the mean reconcile duration (its /metrics). */
  reconcilesPerObject: number;
  reconcileMeanMs: number;
  /** The controller's workqueue depth, the highest seen (sampled every 500 ms). */
  maxQueueDepth: number;
}

export interface ControllerBenchResult {
  command: string;
  date: string;
  loadAverage: { start: number; end: number };
  latency: LatencyResult;
  bulk: BulkRun[];
  settings: Record<string, string>;
}

/** How each run's controller is configured beyond the e2e defaults (no resync during a measurement). */
const BENCH_ENV = { LOOMCYCLE_RESYNC_SECONDS: "3600", LOOMCYCLE_LOG_LEVEL: "info" };
const CREATE_CONCURRENCY = 20;

function spread(values: readonly number[]): Spread & { min: number } {
  return { p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values), min: Math.min(...values) };
}

function isReady(object: CustomObject): boolean {
  return conditionOf(object, "Ready")?.status === "True" && (object.status?.observedGeneration ?? 0) >= object.metadata.generation;
}

/** Watches a namespace's Agents and remembers when each was first seen Ready=True. */
class ReadyWatch {
  private readonly readyAt = new Map<string, number>();
  private readonly waiters = new Map<string, (at: number) => void>();
  private informer: ReturnType<typeof makeInformer<KubernetesObject>> | undefined;
  private stopped = false;

  async start(system: E2eSystem, namespace: string): Promise<void> {
    const list = async (): Promise<KubernetesListObject<KubernetesObject>> =>
      (await system.client.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: "agents" })) as KubernetesListObject<KubernetesObject>;
    const informer = makeInformer<KubernetesObject>(system.client.config, `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/agents`, list);
    const seen = (object: KubernetesObject): void => this.seen(object as CustomObject);
    informer.on("add", seen);
    informer.on("update", seen);
    // client-node's informer stops on an error other than 410; start it again (unless stopped).
    informer.on("error", () => setTimeout(() => void (this.stopped ? undefined : informer.start().catch(() => undefined)), 500));
    await informer.start();
    this.informer = informer;
  }

  private seen(object: CustomObject): void {
    const name = object.metadata.name;
    if (this.readyAt.has(name) || !isReady(object)) return;
    const at = performance.now();
    this.readyAt.set(name, at);
    this.waiters.get(name)?.(at);
    this.waiters.delete(name);
  }

  at(name: string): number | undefined {
    return this.readyAt.get(name);
  }

  get count(): number {
    return this.readyAt.size;
  }

  waitFor(name: string, timeoutMs: number): Promise<number> {
    const known = this.readyAt.get(name);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not Ready=True within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.set(name, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer?.stop();
  }
}

function agentBody(namespace: string, name: string): Record<string, unknown> {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: "Agent", metadata: { name, namespace }, spec: { provider: "mock", model: "mock-echo", system_prompt: `Benchmark agent ${name}.` } };
}

async function createAgent(system: E2eSystem, namespace: string, name: string): Promise<void> {
  await system.client.custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: "agents", body: agentBody(namespace, name) });
}

async function measureLatency(system: E2eSystem, options: { rounds: number; perRound: number }): Promise<LatencyResult> {
  const roundP50: number[] = [];
  const roundP99: number[] = [];
  const all: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const namespace = `bench-latency-${round}`;
    await system.client.createNamespace(namespace);
    const watch = new ReadyWatch();
    await watch.start(system, namespace);
    const samples: number[] = [];
    for (let index = 0; index < options.perRound; index++) {
      const name = `latency-${index}`;
      const start = performance.now();
      await createAgent(system, namespace, name);
      samples.push((await watch.waitFor(name, 60_000)) - start);
    }
    await watch.stop();
    roundP50.push(percentile(samples, 50));
    roundP99.push(percentile(samples, 99));
    all.push(...samples);
    console.log(`controller apply→Ready round ${round + 1}: p50 ${percentile(samples, 50).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms (${samples.length} applies)`);
  }
  return { rounds: options.rounds, perRound: options.perRound, roundP50, roundP99, all: spread(all) };
}

/** user + system CPU ms of a process (/proc/<pid>/stat fields 14 and 15, in clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** The etcd and kube-apiserver of this test plane: the processes whose command line names its temp dir. */
async function planePids(system: E2eSystem): Promise<Record<string, number>> {
  const pids: Record<string, number> = {};
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (!cmdline.includes(system.kube.dir)) continue;
    if (cmdline.includes("kube-apiserver")) pids["kube-apiserver"] = Number(entry);
    else if (cmdline.includes("etcd")) pids["etcd"] = Number(entry);
  }
  return pids;
}

async function cpuSnapshot(pids: Record<string, number>): Promise<Record<string, number>> {
  const entries = await Promise.all(Object.entries(pids).map(async ([name, pid]) => [name, await cpuMs(pid)] as const));
  return Object.fromEntries(entries);
}

/** GET the apiserver's /metrics with the admin token. */
async function apiserverMetrics(system: E2eSystem): Promise<string> {
  const ca = await readFile(system.kube.caFile, "utf8");
  return new Promise((resolve, reject) => {
    const req = request(`${system.kube.server}/metrics`, { ca, headers: { authorization: `Bearer ${system.kube.token}` } }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(body));
    });
    req.on("error", reject);
    req.end();
  });
}

/** apiserver_request_total by "VERB resource[/subresource]" (+ the code when not 2xx) for the Agents, the Lease and Namespaces. */
function requestCounts(metrics: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of metrics.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]));
    if (labels["resource"] !== "agents" && labels["resource"] !== "leases" && labels["resource"] !== "namespaces") continue;
    // A refused request (a 409 conflict, a 422) is counted apart: it is a round trip that did nothing.
    const code = (labels["code"] ?? "").startsWith("2") ? "" : ` (${labels["code"]})`;
    const key = `${labels["verb"]} ${labels["resource"]}${labels["subresource"] ? `/${labels["subresource"]}` : ""}${code}`;
    counts[key] = (counts[key] ?? 0) + Number(line.split(" ").at(-1));
  }
  return counts;
}

async function pgCommits(system: E2eSystem): Promise<number> {
  const rows = await system.sql<{ xact_commit: string }>("select xact_commit from pg_stat_database where datname = current_database()");
  return Number(rows[0]?.xact_commit ?? 0);
}

/** The controller's reconcile count, reconcile duration sum (s) and workqueue depth for Agents. */
async function controllerMetrics(controller: ControllerProcess): Promise<{ reconciles: number; seconds: number; depth: number }> {
  const text = (await controller.probe("/metrics")).body;
  return {
    reconciles: metricSum(text, "loomcycle_controller_reconcile_total", { kind: "Agent" }),
    seconds: metricSum(text, "loomcycle_controller_reconcile_duration_seconds_sum", { kind: "Agent" }),
    depth: metricSum(text, "loomcycle_controller_workqueue_depth", { kind: "Agent" }),
  };
}

interface Counters {
  cpu: Record<string, number>;
  requests: Record<string, number>;
  commits: number;
  controller: { reconciles: number; seconds: number; depth: number };
}

async function counters(system: E2eSystem, pids: Record<string, number>, controller: ControllerProcess): Promise<Counters> {
  return { cpu: await cpuSnapshot(pids), requests: requestCounts(await apiserverMetrics(system)), commits: await pgCommits(system), controller: await controllerMetrics(controller) };
}

function perObject(before: Record<string, number>, after: Record<string, number>, objects: number): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const delta = value - (before[key] ?? 0);
    if (delta > 0) result[key] = Math.round((delta / objects) * 100) / 100;
  }
  return result;
}

/** Creates `objects` Agents with CREATE_CONCURRENCY callers, all at once, and waits until every one is Ready=True. */
async function createAll(system: E2eSystem, options: { namespace: string; objects: number }): Promise<{ started: number; created: number; createdAt: Map<string, number> }> {
  const createdAt = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < options.objects) {
      const name = `bulk-${String(next++).padStart(4, "0")}`;
      createdAt.set(name, performance.now());
      await createAgent(system, options.namespace, name);
    }
  };
  await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, worker));
  return { started, created: performance.now(), createdAt };
}

async function measureBulk(system: E2eSystem, options: { repeat: number; objects: number; pids: Record<string, number>; setup: Setup }): Promise<BulkRun> {
  const controller = system.controllers[0] as ControllerProcess;
  const namespace = `bench-bulk-${options.repeat}`;
  await system.client.createNamespace(namespace);
  const watch = new ReadyWatch();
  await watch.start(system, namespace);
  const before = await counters(system, options.pids, controller);
  let maxQueueDepth = 0;
  const sampler = setInterval(() => void controllerMetrics(controller).then((metrics) => (maxQueueDepth = Math.max(maxQueueDepth, metrics.depth))), 500);
  const { started, created, createdAt } = await createAll(system, { namespace, objects: options.objects });
  const deadline = Date.now() + 30 * 60_000;
  while (watch.count < options.objects) {
    if (Date.now() > deadline) throw new Error(`only ${watch.count} of ${options.objects} Agents Ready after 30 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const lastReady = Math.max(...[...createdAt.keys()].map((name) => watch.at(name) ?? Number.NaN));
  clearInterval(sampler);
  const after = await counters(system, options.pids, controller);
  await watch.stop();
  const waits = [...createdAt.entries()].map(([name, at]) => (watch.at(name) ?? Number.NaN) - at);
  const reconciles = after.controller.reconciles - before.controller.reconciles;
  const run: BulkRun = {
    setup: options.setup.name,
    workers: options.setup.workers,
    objects: options.objects,
    createMs: created - started,
    allReadyMs: lastReady - started,
    perObjectMs: spread(waits),
    cpuMs: Object.fromEntries(Object.entries(after.cpu).map(([name, value]) => [name, value - (before.cpu[name] ?? 0)])),
    apiRequestsPerObject: perObject(before.requests, after.requests, options.objects),
    pgTransactionsPerObject: Math.round(((after.commits - before.commits) / options.objects) * 100) / 100,
    reconcilesPerObject: Math.round((reconciles / options.objects) * 100) / 100,
    reconcileMeanMs: reconciles > 0 ? ((after.controller.seconds - before.controller.seconds) / reconciles) * 1000 : Number.NaN,
    maxQueueDepth,
  };
  console.log(
    `controller bulk ${options.objects} (${options.setup.name}, repeat ${options.repeat + 1}): all Ready in ${run.allReadyMs.toFixed(0)} ms (creates took ${run.createMs.toFixed(0)} ms), reconcile mean ${run.reconcileMeanMs.toFixed(1)} ms, CPU ${JSON.stringify(run.cpuMs)}`,
  );
  return run;
}

/** One configuration of the bulk measurement. */
interface Setup {
  name: string;
  workers: number;
  /** A runtime process on the same database (it reloads its agent catalog on each definitions_changed notice). */
  runtime: boolean;
}

const SETUPS: Setup[] = [
  { name: "default", workers: 4, runtime: false },
  { name: "16 workers", workers: 16, runtime: false },
  { name: "with a runtime", workers: 4, runtime: true },
];

/** Runs `measure` on a fresh system (control plane, database, one controller) for `setup`. */
async function withSystem<T>(setup: Setup, measure: (system: E2eSystem, pids: Record<string, number>) => Promise<T>): Promise<T> {
  const system = await startSystem({ runtime: setup.runtime, controllerEnv: { ...BENCH_ENV, LOOMCYCLE_RECONCILE_WORKERS: String(setup.workers) } });
  try {
    const controller = system.controllers[0] as ControllerProcess;
    const pids: Record<string, number> = { ...(await planePids(system)), controller: controller.pid };
    if (system.runtime?.child.pid !== undefined) pids["runtime"] = system.runtime.child.pid;
    return await measure(system, pids);
  } catch (error) {
    console.error(system.logs());
    throw error;
  } finally {
    await system.dispose();
  }
}

/**
 * The default setup measures apply→Ready latency and the burst (repeated); then the burst once
 * more with 16 reconcile workers, and once with a runtime process listening, to show what bounds it.
 */
export async function benchController(options: { quick: boolean; command: string }): Promise<ControllerBenchResult> {
  const loadStart = loadavg()[0] ?? 0;
  const objects = options.quick ? 100 : 1000;
  const bulk: BulkRun[] = [];
  const [first, ...others] = SETUPS as [Setup, ...Setup[]];
  const latency = await withSystem(first, async (system, pids) => {
    const measured = await measureLatency(system, options.quick ? { rounds: 1, perRound: 10 } : { rounds: 3, perRound: 50 });
    for (let repeat = 0; repeat < (options.quick ? 1 : 2); repeat++) bulk.push(await measureBulk(system, { repeat, objects, pids, setup: first }));
    return measured;
  });
  for (const setup of others) bulk.push(await withSystem(setup, (system, pids) => measureBulk(system, { repeat: 0, objects, pids, setup })));
  return { command: options.command, date: new Date().toISOString(), loadAverage: { start: loadStart, end: loadavg()[0] ?? 0 }, latency, bulk, settings: { ...BENCH_ENV } };
}
