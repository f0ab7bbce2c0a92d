import { randomUUID } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import { TerminalError, requestKey } from "./types.ts";
import type { ControllerLogger, KindController, Leadership, ObjectReader, Request, Result } from "./types.ts";
import { WorkQueue } from "./work-queue.ts";

/** The cache a controller reads and is woken by (the supervised informer implements it). */
export interface WatchedObjects<T extends KubernetesObject = KubernetesObject> extends ObjectReader<T> {
  /** Calls `listener` with the object's key on every add/update/delete; returns an unsubscribe. */
  onChange(listener: (request: Request) => void): () => void;
}

/** One reconcile's outcome, as counted in loomcycle_controller_reconcile_total{result}. */
export type ReconcileOutcome = "success" | "requeue_after" | "error" | "terminal_error";

/** What the controller reports (serve/metrics.ts implements it with prom-client). */
export interface ControllerMetrics {
  observeReconcile(kind: string, outcome: ReconcileOutcome, seconds: number): void;
  setQueueDepth(kind: string, depth: number): void;
}

export interface ControllerOptions {
  kind: KindController;
  objects: WatchedObjects;
  leadership: Leadership;
  metrics: ControllerMetrics;
  log: ControllerLogger;
  /** Concurrent reconciles (distinct keys); default 2. */
  workers?: number;
  /** Every cached key is re-enqueued this often (drift repair); 0 = never. */
  resyncMs: number;
  /** How long stop() waits for in-flight reconciles (default 25 s). */
  drainTimeoutMs?: number;
}

function parseKey(key: string): Request {
  const slash = key.indexOf("/");
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

function objectKey(object: KubernetesObject): string {
  return requestKey({ namespace: object.metadata?.namespace ?? "", name: object.metadata?.name ?? "" });
}

/**
 * One kind's control loop (controller-runtime pkg/internal/controller): informer events only
 * enqueue keys; while this replica leads, workers take keys, reconcile, and handle the outcome in
 * one four-way switch. Leading starts a fresh queue holding every cached key; losing it drains.
 */
export class Controller {
  private queue: WorkQueue | undefined;
  private readonly unsubscribes: (() => void)[] = [];
  private resyncTimer: NodeJS.Timeout | undefined;
  private transition: Promise<void> = Promise.resolve();

  private readonly options: ControllerOptions;

  constructor(options: ControllerOptions) {
    this.options = options;
  }

  /** Subscribes to the cache and to leadership; workers run whenever this replica leads. */
  start(): void {
    const { objects, leadership, resyncMs } = this.options;
    this.unsubscribes.push(objects.onChange((request) => this.queue?.add(requestKey(request))));
    this.unsubscribes.push(leadership.onChange((leading) => this.chain(() => (leading ? this.lead() : this.drain()))));
    if (resyncMs > 0) this.resyncTimer = setInterval(() => this.enqueueAll(), resyncMs);
  }

  /** Stops taking work and waits (bounded) for in-flight reconciles. */
  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    clearInterval(this.resyncTimer);
    await this.chain(() => this.drain());
  }

  private chain(step: () => Promise<void> | void): Promise<void> {
    this.transition = this.transition.then(step);
    return this.transition;
  }

  private lead(): void {
    if (this.queue) return;
    const { kind, metrics, workers } = this.options;
    this.queue = new WorkQueue({ onDepth: (depth) => metrics.setQueueDepth(kind.kind, depth) });
    const queue = this.queue;
    queue.run(workers ?? 2, (key) => this.handle(queue, key));
    this.enqueueAll();
    this.options.log.info({ kind: kind.kind }, "controller workers started (leading)");
  }

  private async drain(): Promise<void> {
    const queue = this.queue;
    if (!queue) return;
    this.queue = undefined;
    await queue.shutDown(this.options.drainTimeoutMs ?? 25_000);
    this.options.log.info({ kind: this.options.kind.kind }, "controller workers stopped");
  }

  private enqueueAll(): void {
    const queue = this.queue;
    if (!queue) return;
    for (const object of this.options.objects.list()) queue.add(objectKey(object));
  }

  private async handle(queue: WorkQueue, key: string): Promise<void> {
    const { kind, log, metrics } = this.options;
    const reconcileId = randomUUID();
    const context = { reconcileId, log: new ChildLogger(log, { kind: kind.kind, key, reconcileId }) };
    const started = performance.now();
    const settled = await Promise.resolve()
      .then(() => kind.reconcile(context, parseKey(key)))
      .then(
      (result): Settled => ({ result }),
      (error: unknown): Settled => ({ error }),
    );
    const outcome = outcomeOf(settled);
    switch (outcome) {
      case "error": {
        const retryInMs = queue.addRateLimited(key);
        context.log.warn({ error: errorMessage(settled.error), retryInMs }, "reconcile failed; requeued with backoff");
        break;
      }
      case "terminal_error":
        queue.forget(key);
        context.log.error({ error: errorMessage(settled.error) }, "reconcile failed terminally; not retried");
        break;
      case "requeue_after":
        queue.forget(key);
        queue.addAfter(key, settled.result?.requeueAfterMs ?? 0);
        break;
      case "success":
        queue.forget(key);
        break;
    }
    metrics.observeReconcile(kind.kind, outcome, (performance.now() - started) / 1000);
  }
}

type Settled = { result?: Result; error?: unknown };

function outcomeOf(settled: Settled): ReconcileOutcome {
  if (settled.result === undefined) return settled.error instanceof TerminalError ? "terminal_error" : "error";
  return settled.result.requeueAfterMs === undefined ? "success" : "requeue_after";
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Adds fixed fields (kind, key, reconcileId) to every line of a reconcile's log. */
class ChildLogger implements ControllerLogger {
  private readonly parent: ControllerLogger;
  private readonly fields: Record<string, unknown>;

  constructor(parent: ControllerLogger, fields: Record<string, unknown>) {
    this.parent = parent;
    this.fields = fields;
  }
  info(object: Record<string, unknown>, message?: string): void {
    this.parent.info({ ...this.fields, ...object }, message);
  }
  warn(object: Record<string, unknown>, message?: string): void {
    this.parent.warn({ ...this.fields, ...object }, message);
  }
  error(object: Record<string, unknown>, message?: string): void {
    this.parent.error({ ...this.fields, ...object }, message);
  }
  debug(object: Record<string, unknown>, message?: string): void {
    this.parent.debug({ ...this.fields, ...object }, message);
  }
}
