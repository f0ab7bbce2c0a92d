import type { KubeConfig } from "@kubernetes/client-node";
import { GROUP, KINDS, VERSION } from "../api/index.ts";
import { NamespaceTenants } from "../kube/namespaces.ts";
import { ObjectClient } from "../kube/object-client.ts";
import { SecretReader } from "../kube/secrets.ts";
import type { KindController, ObjectReader } from "../reconcile/index.ts";
import type { DefinitionWrites } from "../store/open-definition-store.ts";
import { definitionReconciler } from "./definition-reconciler.ts";

export { DEFINITION_FINALIZER, ownerRefOf } from "./definition-reconciler.ts";
export type { DefinitionResource } from "./definition-reconciler.ts";

/** What the definition reconcilers need (main.ts builds it). */
export interface DefinitionControllerDeps {
  /** The definition store's writes (openDefinitionStore(...).definitions). */
  definitions: DefinitionWrites;
  /** The informer cache of a kind, by plural (`agents`). */
  readerFor(plural: string): ObjectReader;
  /** For the status / finalizer writes and the Namespace and Secret reads. */
  kubeConfig: KubeConfig;
  /** How long a namespace's tenant is cached (default 10 s). */
  namespaceCacheMs?: number;
  /** The clock of status timestamps (tests). */
  now?: () => Date;
}

/**
 * One KindController per loomcycle kind (controller/src/api KINDS): each reconciles its CRs into
 * the runtime's definitions (source kubernetes, owned by the object), keeps the finalizer that
 * retires them on delete, and writes kstatus conditions. Secrets are not watched: a rotated
 * Secret is picked up on the next reconcile of the objects naming it (the periodic resync).
 */
export function definitionControllers(deps: DefinitionControllerDeps): KindController[] {
  const objects = new ObjectClient(deps.kubeConfig);
  const namespaces = new NamespaceTenants(deps.kubeConfig, deps.namespaceCacheMs === undefined ? {} : { ttlMs: deps.namespaceCacheMs });
  const secrets = new SecretReader(deps.kubeConfig);
  const now = deps.now ?? ((): Date => new Date());
  return KINDS.map((info) => ({
    kind: info.kind,
    group: GROUP,
    version: VERSION,
    plural: info.plural,
    reconcile: definitionReconciler(info, { definitions: deps.definitions, reader: deps.readerFor(info.plural), objects, namespaces, secrets, now }),
  }));
}
