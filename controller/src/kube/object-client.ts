import { ApiException, CustomObjectsApi } from "@kubernetes/client-node";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { patchStatus } from "./status.ts";

/** Which custom resource type: `loomcycle.dev` / `v1alpha1` / `agents`. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
}

/** One object of a type. */
export interface ObjectRef extends ResourceType {
  namespace: string;
  name: string;
}

/** Whether an error is the apiserver's 404. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

/**
 * The thin typed client for what reconcile writes to custom resources: the finalizer list (with
 * the object's resourceVersion as a precondition, so a stale cache cannot drop another
 * controller's finalizer) and the status (the /status subresource). Reads go through the
 * informer cache; `get`/`list` exist for tools and tests.
 */
export class ObjectClient {
  private readonly api: CustomObjectsApi;

  constructor(kubeConfig: KubeConfig) {
    this.api = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** The object, or undefined when it does not exist. */
  async get(ref: ObjectRef): Promise<KubernetesObject | undefined> {
    try {
      return (await this.api.getNamespacedCustomObject({ group: ref.group, version: ref.version, namespace: ref.namespace, plural: ref.plural, name: ref.name })) as KubernetesObject;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Every object of the type (in one namespace, or all). */
  async list(type: ResourceType, namespace?: string): Promise<KubernetesObject[]> {
    const { group, version, plural } = type;
    const list = (namespace === undefined
      ? await this.api.listCustomObjectForAllNamespaces({ group, version, resourcePlural: plural })
      : await this.api.listNamespacedCustomObject({ group, version, namespace, plural })) as { items: KubernetesObject[] };
    return list.items;
  }

  /**
   * Replaces the finalizer list if the object is still at `resourceVersion` (a JSON patch `test`,
   * so a concurrent change fails the write and the reconcile retries). Returns the updated
   * object; undefined when the object is gone.
   */
  async setFinalizers(ref: ObjectRef, change: { finalizers: string[]; resourceVersion: string }): Promise<KubernetesObject | undefined> {
    const body = [
      { op: "test", path: "/metadata/resourceVersion", value: change.resourceVersion },
      { op: "add", path: "/metadata/finalizers", value: change.finalizers },
    ];
    try {
      return (await this.api.patchNamespacedCustomObject({ group: ref.group, version: ref.version, namespace: ref.namespace, plural: ref.plural, name: ref.name, body })) as KubernetesObject;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Writes the whole status through /status; false when the object is gone. */
  patchStatus(ref: ObjectRef, status: Record<string, unknown>): Promise<boolean> {
    return patchStatus(this.api, ref, status);
  }
}
