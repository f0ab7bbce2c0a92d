import { ApiException, CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";

/** A Secret key's value, or which part is missing (the message names the Secret and key, never a value). */
export type SecretRead = { ok: true; value: string } | { ok: false; message: string };

/**
 * Reads Secret keys for reconcile, in the CR's own namespace only. Values are returned to the
 * caller and never logged; a missing Secret or key is an answer (ReferenceNotFound), other
 * failures (RBAC, network) throw so the reconcile is retried.
 */
export class SecretReader {
  private readonly api: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** The decoded values of `keys` of Secret `name` in `namespace`. */
  async read(namespace: string, name: string, keys: readonly string[]): Promise<Map<string, SecretRead>> {
    const data = await this.data(namespace, name);
    const values = new Map<string, SecretRead>();
    for (const key of keys) {
      const encoded = data?.[key];
      if (data === undefined) values.set(key, { ok: false, message: `secret/${name} not found in namespace ${namespace}` });
      else if (encoded === undefined) values.set(key, { ok: false, message: `secret/${name} has no key "${key}"` });
      else values.set(key, { ok: true, value: Buffer.from(encoded, "base64").toString("utf8") });
    }
    return values;
  }

  private async data(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    try {
      const secret = await this.api.readNamespacedSecret({ namespace, name });
      return secret.data ?? {};
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }
}
