import { fileURLToPath } from "node:url";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_VERSION, GROUP, VERSION } from "../src/api/index.ts";
import { SupervisedInformer } from "../src/kube/informer.ts";
import { Controller, TerminalError } from "../src/reconcile/index.ts";
import type { ControllerLogger, KindController, Leadership, ReconcileContext, Request, Result } from "../src/reconcile/index.ts";
import { createMetrics } from "../src/serve/index.ts";
import type { Metrics } from "../src/serve/index.ts";
import { startKubeTestenv } from "./support/kube-testenv.ts";
import type { KubeTestenv } from "./support/kube-testenv.ts";
import { silentLogger, until } from "./support/until.ts";

/**
 * The control loop end to end on a real kube-apiserver: informer events enqueue keys, workers
 * reconcile them only while this replica leads, the four outcomes (done, requeue after, error →
 * backoff, terminal → no retry) are handled and counted, one key never runs twice at once, and
 * the periodic resync re-reconciles every cached object.
 */
const CRDS_DIR = fileURLToPath(new URL("../../crds/", import.meta.url));

let kube: KubeTestenv;
let kubeConfig: KubeConfig;
const cleanups: (() => Promise<void>)[] = [];

class SwitchLeadership implements Leadership {
  private leading = false;
  private readonly listeners = new Set<(leading: boolean) => void>();
  isLeader(): boolean {
    return this.leading;
  }
  onChange(listener: (leading: boolean) => void): () => void {
    this.listeners.add(listener);
    listener(this.leading);
    return () => this.listeners.delete(listener);
  }
  set(leading: boolean): void {
    this.leading = leading;
    for (const listener of this.listeners) listener(leading);
  }
}

interface Call {
  key: string;
  at: number;
  reconcileId: string;
}

interface Harness {
  namespace: string;
  calls: Call[];
  leadership: SwitchLeadership;
  metrics: Metrics;
  logs: Record<string, unknown>[];
  controller: Controller;
  informer: SupervisedInformer;
}

const silent = silentLogger;

async function apply(namespace: string, name: string, prompt = "Do the thing."): Promise<void> {
  const manifest = JSON.stringify({ apiVersion: API_VERSION, kind: "Agent", metadata: { name, namespace }, spec: { provider: "mock", model: "mock-echo", system_prompt: prompt } });
  const result = await kube.kubectl(["apply", "-f", "-"], manifest);
  expect(result.code, result.stderr).toBe(0);
}

async function harness(namespace: string, reconcile: (request: Request, context: ReconcileContext) => Promise<Result>, options: { resyncMs?: number; leading?: boolean } = {}): Promise<Harness> {
  expect((await kube.kubectl(["create", "namespace", namespace])).code).toBe(0);
  const calls: Call[] = [];
  const logs: Record<string, unknown>[] = [];
  const log: ControllerLogger = { ...silent, warn: (object) => logs.push(object), error: (object) => logs.push(object) };
  const informer = new SupervisedInformer({ kubeConfig, group: GROUP, version: VERSION, plural: "agents", namespace, log: silent });
  const kind: KindController = {
    kind: "Agent",
    group: GROUP,
    version: VERSION,
    plural: "agents",
    reconcile: async (context, request) => {
      calls.push({ key: `${request.namespace}/${request.name}`, at: Date.now(), reconcileId: context.reconcileId });
      return reconcile(request, context);
    },
  };
  const leadership = new SwitchLeadership();
  const metrics = createMetrics();
  const controller = new Controller({ kind, objects: informer, leadership, metrics: metrics.controller, log, workers: 3, resyncMs: options.resyncMs ?? 0 });
  controller.start();
  await informer.start();
  await until("sync", () => informer.ready());
  if (options.leading !== false) leadership.set(true);
  cleanups.push(async () => {
    await controller.stop();
    await informer.stop();
  });
  return { namespace, calls, leadership, metrics, logs, controller, informer };
}

async function metricValue(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const sample = metric?.values.find((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected));
  return sample?.value ?? 0;
}

function callsFor(calls: Call[], key: string): Call[] {
  return calls.filter((call) => call.key === key);
}

beforeAll(async () => {
  kube = await startKubeTestenv();
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kube.kubeconfig);
  expect((await kube.kubectl(["apply", "--server-side", "-f", CRDS_DIR])).code).toBe(0);
  expect((await kube.kubectl(["wait", "--for=condition=Established", "--timeout=60s", "-f", CRDS_DIR])).code).toBe(0);
}, 600_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await kube?.stop();
});

describe("Controller on a real apiserver", () => {
  it("reconciles every object by key, with a fresh reconcileId, and counts successes", async () => {
    const h = await harness("loop-basic", async () => ({}));
    await apply(h.namespace, "one");
    await apply(h.namespace, "two");
    await until("both reconciled", () => callsFor(h.calls, "loop-basic/one").length >= 1 && callsFor(h.calls, "loop-basic/two").length >= 1);
    const ids = new Set(h.calls.map((call) => call.reconcileId));
    expect(ids.size).toBe(h.calls.length);
    await until("success counted", async () => (await metricValue(h.metrics, "loomcycle_controller_reconcile_total", { kind: "Agent", result: "success" })) >= 2);
    const duration = await h.metrics.registry.getSingleMetric("loomcycle_controller_reconcile_duration_seconds")?.get();
    expect(duration?.values.find((value) => (value as { metricName?: string }).metricName === "loomcycle_controller_reconcile_duration_seconds_count")?.value).toBeGreaterThanOrEqual(2);
    expect(await metricValue(h.metrics, "loomcycle_controller_workqueue_depth", { kind: "Agent" })).toBe(0);
  });

  it("retries a failing reconcile with backoff until it succeeds, and never retries a terminal error", async () => {
    let flakyFailures = 0;
    const h = await harness("loop-errors", async (request) => {
      if (request.name === "flaky" && flakyFailures < 3) {
        flakyFailures++;
        throw new Error("store unavailable");
      }
      if (request.name === "broken") throw new TerminalError("spec can never work");
      return {};
    });
    await apply(h.namespace, "flaky");
    await apply(h.namespace, "broken");
    await until("flaky succeeded", async () => (await metricValue(h.metrics, "loomcycle_controller_reconcile_total", { kind: "Agent", result: "success" })) >= 1);
    const flaky = callsFor(h.calls, "loop-errors/flaky");
    expect(flaky.length).toBe(4);
    const gaps = flaky.slice(1).map((call, index) => call.at - (flaky[index]?.at ?? 0));
    expect(gaps[2]).toBeGreaterThanOrEqual(15);
    expect(await metricValue(h.metrics, "loomcycle_controller_reconcile_total", { kind: "Agent", result: "error" })).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(callsFor(h.calls, "loop-errors/broken").length).toBe(1);
    expect(await metricValue(h.metrics, "loomcycle_controller_reconcile_total", { kind: "Agent", result: "terminal_error" })).toBe(1);
    const terminalLog = h.logs.find((line) => line["key"] === "loop-errors/broken");
    expect(terminalLog).toMatchObject({ kind: "Agent", error: "spec can never work" });
    expect(typeof terminalLog?.["reconcileId"]).toBe("string");
  });

  it("looks again after requeueAfterMs", async () => {
    const h = await harness("loop-requeue", async () => ({ requeueAfterMs: 400 }));
    await apply(h.namespace, "poller");
    await until("three reconciles", () => callsFor(h.calls, "loop-requeue/poller").length >= 3, { timeoutMs: 15_000 });
    const calls = callsFor(h.calls, "loop-requeue/poller");
    expect((calls[2]?.at ?? 0) - (calls[1]?.at ?? 0)).toBeGreaterThanOrEqual(350);
    expect(await metricValue(h.metrics, "loomcycle_controller_reconcile_total", { kind: "Agent", result: "requeue_after" })).toBeGreaterThanOrEqual(3);
  });

  it("never reconciles one key concurrently, and reconciles again after changes made meanwhile", async () => {
    let running = 0;
    let maxRunning = 0;
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const h = await harness("loop-serial", async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await gate;
      running--;
      return {};
    });
    await apply(h.namespace, "busy");
    await until("first reconcile running", () => running === 1);
    for (const prompt of ["v2", "v3", "v4"]) await apply(h.namespace, "busy", prompt);
    await until("informer saw v4", () => (h.informer.get({ namespace: h.namespace, name: "busy" }) as { spec?: { system_prompt?: string } } | undefined)?.spec?.system_prompt === "v4");
    expect(callsFor(h.calls, "loop-serial/busy").length).toBe(1);
    release();
    await until("the follow-up reconcile", () => callsFor(h.calls, "loop-serial/busy").length === 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(callsFor(h.calls, "loop-serial/busy").length).toBe(2);
    expect(maxRunning).toBe(1);
  });

  it("reconciles only while leading: nothing as a follower, every cached object on becoming leader", async () => {
    const h = await harness("loop-leader", async () => ({}), { leading: false });
    await apply(h.namespace, "a");
    await apply(h.namespace, "b");
    await until("cached", () => h.informer.list().length === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.calls).toEqual([]);
    h.leadership.set(true);
    await until("both reconciled", () => callsFor(h.calls, "loop-leader/a").length === 1 && callsFor(h.calls, "loop-leader/b").length === 1);
    h.leadership.set(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = h.calls.length;
    await apply(h.namespace, "c");
    await until("cached c", () => h.informer.get({ namespace: h.namespace, name: "c" }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.calls.length).toBe(before);
  });

  it("resyncs: every cached object is reconciled again each resync period", async () => {
    const h = await harness("loop-resync", async () => ({}), { resyncMs: 500 });
    await apply(h.namespace, "steady");
    await until("reconciled three times without changes", () => callsFor(h.calls, "loop-resync/steady").length >= 3, { timeoutMs: 15_000 });
  });
});
