import { ApiException, CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Namespace } from "@kubernetes/client-node";

/** The Namespace label (or annotation) naming the loomcycle tenant of the CRs in it. */
export const TENANT_LABEL = "loomcycle.dev/tenant";

/** A tenant id: what the runtime scopes definitions by. */
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The tenant of a namespace, or why its label / annotation cannot be one. */
export type TenantResolution = { ok: true; tenant: string } | { ok: false; message: string };

/**
 * The documented mapping (pure): the Namespace's `loomcycle.dev/tenant` label, else its
 * annotation of the same name, else the namespace's own name (so `default` → tenant `default`).
 */
export function tenantOfNamespace(namespace: Pick<V1Namespace, "metadata">, name: string): TenantResolution {
  const labelled = namespace.metadata?.labels?.[TENANT_LABEL];
  const annotated = namespace.metadata?.annotations?.[TENANT_LABEL];
  const [tenant, from] = labelled !== undefined ? [labelled, "label"] : annotated !== undefined ? [annotated, "annotation"] : [name, "name"];
  if (TENANT_ID.test(tenant)) return { ok: true, tenant };
  return { ok: false, message: `namespace/${name}: the ${TENANT_LABEL} ${from} ${JSON.stringify(tenant)} is not a tenant id (letters, digits, _ . -, max 128)` };
}

/** Options of NamespaceTenants. */
export interface NamespaceTenantsOptions {
  /** How long a namespace's tenant is trusted (default 10 s: a relabel is seen within it). */
  ttlMs?: number;
  now?: () => number;
}

/** Namespace → tenant, read from the apiserver and cached briefly (many CRs share a namespace). */
export class NamespaceTenants {
  private readonly api: CoreV1Api;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, { resolution: TenantResolution; at: number }>();

  constructor(kubeConfig: KubeConfig, options: NamespaceTenantsOptions = {}) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
    this.ttlMs = options.ttlMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The tenant of `name` (a missing namespace maps by its name: its objects are being deleted). */
  async tenantOf(name: string): Promise<TenantResolution> {
    const cached = this.cache.get(name);
    if (cached !== undefined && this.now() - cached.at < this.ttlMs) return cached.resolution;
    const namespace = await this.read(name);
    const resolution = tenantOfNamespace(namespace, name);
    this.cache.set(name, { resolution, at: this.now() });
    return resolution;
  }

  private async read(name: string): Promise<Pick<V1Namespace, "metadata">> {
    try {
      return await this.api.readNamespace({ name });
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return { metadata: { name } };
      throw error;
    }
  }
}
