import { ApiException, CustomObjectsApi, ListWatch, Watch } from "@kubernetes/client-node";
import type { KubeConfig, KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import type { ControllerLogger, Request, WatchedObjects } from "../reconcile/index.ts";

export interface InformerOptions {
  kubeConfig: KubeConfig;
  group: string;
  version: string;
  plural: string;
  /** Watch one namespace; "" or undefined = every namespace. */
  namespace?: string;
  log: ControllerLogger;
  /** First restart delay after a watch/list error (default 1 s), doubling up to `restartMaxMs` (default 30 s). */
  restartBaseMs?: number;
  restartMaxMs?: number;
}

/** One line for the log: the HTTP status and the apiserver's own message, not the whole response body. */
export function describeWatchError(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = typeof error.body === "string" ? safeJson(error.body) : error.body;
    const message = typeof body === "object" && body !== null && "message" in body ? String(body.message) : "";
    return `HTTP ${error.code}${message ? `: ${message}` : ""}`;
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  const message = error instanceof Error ? error.message : String(error);
  return typeof status === "number" ? `HTTP ${status}: ${message}` : message;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What of an object a reconcile acts on: its generation (spec), finalizers, deletion, labels and annotations. */
export function reconcileRelevant(object: KubernetesObject): string {
  const { generation, finalizers, deletionTimestamp, labels, annotations } = object.metadata ?? {};
  return JSON.stringify([generation, finalizers, deletionTimestamp, labels, annotations]);
}

/** The list/watch path of a custom resource, cluster-wide or in one namespace. */
export function resourcePath(options: { group: string; version: string; plural: string; namespace?: string }): string {
  const scope = options.namespace ? `/namespaces/${options.namespace}` : "";
  return `/apis/${options.group}/${options.version}${scope}/${options.plural}`;
}

/**
 * A client-node informer (list, then watch, cache) that survives errors: client-node relists on
 * 410 Gone by itself but stops on any other error (a list that fails, a watch refused); this
 * wrapper logs it and starts it again with exponential backoff. `ready()` turns true after the
 * first complete list (client-go HasSynced) and stays true.
 */
export class SupervisedInformer<T extends KubernetesObject = KubernetesObject> implements WatchedObjects<T> {
  private readonly informer: ListWatch<T>;
  private readonly options: InformerOptions;
  private readonly listeners = new Set<(request: Request) => void>();
  /** Per key, what last woke the listeners (see reconcileRelevant): an update that changes none of it is dropped. */
  private readonly seen = new Map<string, string>();
  private synced = false;
  private stopped = true;
  private restartDelayMs: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private erroredSinceStart = false;
  /** How many times an error stopped the informer and it was started again. */
  restarts = 0;

  constructor(options: InformerOptions) {
    this.options = options;
    this.restartDelayMs = options.restartBaseMs ?? 1_000;
    const api = options.kubeConfig.makeApiClient(CustomObjectsApi);
    const { group, version, plural, namespace } = options;
    const list = (): Promise<KubernetesListObject<T>> =>
      namespace
        ? api.listNamespacedCustomObject({ group, version, namespace, plural })
        : api.listClusterCustomObject({ group, version, plural });
    this.informer = new ListWatch<T>(resourcePath(options), new Watch(options.kubeConfig), list, false);
    this.informer.on("add", (object) => this.notify(object, "add"));
    this.informer.on("update", (object) => this.notify(object, "update"));
    this.informer.on("delete", (object) => this.notify(object, "delete"));
    this.informer.on("error", (error: unknown) => this.onError(error));
  }

  /** Starts listing and watching; resolves once the first attempt settled (see ready()). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.attempt();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    await this.informer.stop();
  }

  /** True once a full list has filled the cache. */
  ready(): boolean {
    return this.synced;
  }

  get(request: Request): T | undefined {
    return this.informer.get(request.name, request.namespace || undefined);
  }

  list(): T[] {
    return [...this.informer.list()];
  }

  onChange(listener: (request: Request) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Wakes the listeners, except for an update that changed nothing a reconcile acts on (a status
   * write, often the controller's own): controller-runtime's GenerationChangedPredicate, widened to
   * finalizers, deletion, labels and annotations. The periodic resync still repairs drift.
   */
  private notify(object: T, event: "add" | "update" | "delete"): void {
    const request = { namespace: object.metadata?.namespace ?? "", name: object.metadata?.name ?? "" };
    const key = `${request.namespace}/${request.name}`;
    const relevant = reconcileRelevant(object);
    const unchanged = event === "update" && this.seen.get(key) === relevant;
    if (event === "delete") this.seen.delete(key);
    else this.seen.set(key, relevant);
    if (unchanged) return;
    for (const listener of this.listeners) listener(request);
  }

  private async attempt(): Promise<void> {
    this.erroredSinceStart = false;
    await this.informer.start();
    if (this.erroredSinceStart || this.stopped) return;
    this.restartDelayMs = this.options.restartBaseMs ?? 1_000;
    if (!this.synced && this.informer.latestResourceVersion() !== "") {
      this.synced = true;
      this.options.log.info({ resource: this.options.plural }, "informer synced");
    }
  }

  private onError(error: unknown): void {
    this.erroredSinceStart = true;
    if (this.stopped) return;
    const delayMs = this.restartDelayMs;
    this.restartDelayMs = Math.min(delayMs * 2, this.options.restartMaxMs ?? 30_000);
    this.options.log.warn({ resource: this.options.plural, error: describeWatchError(error), restartInMs: delayMs }, "informer stopped on an error; restarting");
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restarts++;
      this.attempt().catch((restartError: unknown) => this.onError(restartError));
    }, delayMs);
  }
}
