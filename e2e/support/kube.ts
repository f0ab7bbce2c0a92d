import { ApiException, CoordinationV1Api, CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import { API_VERSION, GROUP, KINDS, VERSION } from "../../controller/src/api/index.ts";
import { ReusingKubeConfig } from "../../controller/src/kube/kube-config.ts";
import { pollUntil } from "./wait.ts";

/** A loomcycle custom resource as read back from the apiserver. */
export interface CustomObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    generation: number;
    resourceVersion: string;
    finalizers?: string[];
    deletionTimestamp?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
  };
  spec: Record<string, unknown>;
  status?: {
    observedGeneration?: number;
    definitionId?: string;
    version?: number;
    conditions?: { type: string; status: string; reason: string; message: string; lastTransitionTime: string; observedGeneration?: number }[];
  };
}

export type Condition = NonNullable<NonNullable<CustomObject["status"]>["conditions"]>[number];

/** `Agent` → `agents` (every kind of controller/src/api). */
export function pluralOf(kind: string): string {
  const info = KINDS.find((each) => each.kind === kind);
  if (info === undefined) throw new Error(`unknown kind ${kind}; kinds: ${KINDS.map((each) => each.kind).join(", ")}`);
  return info.plural;
}

/** A manifest (JSON is YAML) for `kubectl apply -f -`. */
export function manifest(kind: string, meta: { name: string; namespace: string; labels?: Record<string, string> }, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: API_VERSION, kind, metadata: meta, spec });
}

export function conditionOf(object: CustomObject | undefined, type: string): Condition | undefined {
  return object?.status?.conditions?.find((condition) => condition.type === type);
}

function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

export interface WaitForCondition {
  kind: string;
  namespace: string;
  name: string;
  type: string;
  status: "True" | "False" | "Unknown";
  timeoutMs: number;
  /** More that must hold (e.g. `status.version === 2`). */
  and?: (object: CustomObject) => boolean;
}

/** The condition holds for the object's current generation (observedGeneration caught up), and `and` too. */
function satisfies(object: CustomObject, wait: WaitForCondition): boolean {
  const current = (object.status?.observedGeneration ?? 0) >= object.metadata.generation;
  return current && conditionOf(object, wait.type)?.status === wait.status && (wait.and?.(object) ?? true);
}

/** Reads the apiserver the way a user's tools do (client-node with the test kubeconfig). */
export class KubeClient {
  readonly config: KubeConfig;
  readonly custom: CustomObjectsApi;
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;

  constructor(kubeconfigFile: string) {
    this.config = new ReusingKubeConfig();
    this.config.loadFromFile(kubeconfigFile);
    this.custom = this.config.makeApiClient(CustomObjectsApi);
    this.core = this.config.makeApiClient(CoreV1Api);
    this.coordination = this.config.makeApiClient(CoordinationV1Api);
  }

  /** The object, or undefined when it does not exist. */
  async get(kind: string, namespace: string, name: string): Promise<CustomObject | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: pluralOf(kind), name })) as CustomObject;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list(kind: string, namespace: string): Promise<CustomObject[]> {
    const list = (await this.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: pluralOf(kind) })) as { items: CustomObject[] };
    return list.items;
  }

  /**
   * Polls until the object's condition `type` has `status` for its current generation
   * (`observedGeneration` caught up), and `and` holds; resolves the object and how long it took.
   */
  async waitForCondition(wait: WaitForCondition): Promise<{ object: CustomObject; elapsedMs: number }> {
    const start = performance.now();
    let last: CustomObject | undefined;
    const object = await pollUntil(
      async () => {
        last = await this.get(wait.kind, wait.namespace, wait.name);
        return last !== undefined && satisfies(last, wait) ? last : undefined;
      },
      {
        what: `${wait.kind} ${wait.namespace}/${wait.name} ${wait.type}=${wait.status}`,
        timeoutMs: wait.timeoutMs,
        describe: () => (last === undefined ? "absent" : JSON.stringify({ generation: last.metadata.generation, status: last.status })),
      },
    );
    return { object, elapsedMs: performance.now() - start };
  }

  /** Polls until the object no longer exists (its finalizer removed). */
  async waitGone(object: { kind: string; namespace: string; name: string }, timeoutMs: number): Promise<number> {
    const start = performance.now();
    let last: CustomObject | undefined;
    await pollUntil(
      async () => {
        last = await this.get(object.kind, object.namespace, object.name);
        return last === undefined ? true : undefined;
      },
      { what: `${object.kind} ${object.namespace}/${object.name} gone`, timeoutMs, describe: () => JSON.stringify(last?.metadata) },
    );
    return performance.now() - start;
  }

  /** The Lease's holderIdentity ("" when nobody holds it; undefined when there is no Lease). */
  async leaseHolder(namespace: string, name: string): Promise<string | undefined> {
    try {
      const lease = await this.coordination.readNamespacedLease({ name, namespace });
      return lease.spec?.holderIdentity ?? "";
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name, labels } } });
  }
}
