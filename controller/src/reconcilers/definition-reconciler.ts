import type { KubernetesObject } from "@kubernetes/client-node";
import { GROUP, VERSION } from "../api/index.ts";
import type { DefinitionStatus, KindInfo } from "../api/index.ts";
import type { NamespaceTenants } from "../kube/namespaces.ts";
import type { ObjectClient, ObjectRef } from "../kube/object-client.ts";
import type { SecretReader } from "../kube/secrets.ts";
import { isDeleting, runFinalizer } from "../reconcile/index.ts";
import type { ObjectReader, ReconcileContext, Reconciler, Request, Result } from "../reconcile/index.ts";
import { definitionFromObject, definitionName } from "../resources/definition-from-object.ts";
import { nextStatus, sameStatus } from "../resources/definition-status.ts";
import type { StatusOutcome } from "../resources/definition-status.ts";
import { secretReferences } from "../resources/secret-references.ts";
import type { DefinitionWrites } from "../store/open-definition-store.ts";
import { resolveSecretRefs } from "./resolve-secret-refs.ts";
import { failedWrite } from "./store-outcome.ts";

/** The finalizer that retires an object's definition before the object goes. */
export const DEFINITION_FINALIZER = "loomcycle.dev/definition";

/** A loomcycle custom resource as the cache holds it. */
export interface DefinitionResource extends KubernetesObject {
  metadata: NonNullable<KubernetesObject["metadata"]> & { name: string; namespace: string };
  spec: Record<string, unknown>;
  status?: DefinitionStatus;
}

/** What one kind's reconciler uses (built once by definitionControllers). */
export interface DefinitionReconcilerDeps {
  definitions: DefinitionWrites;
  reader: ObjectReader;
  objects: ObjectClient;
  namespaces: NamespaceTenants;
  secrets: SecretReader;
  now: () => Date;
}

/** `kubernetes:<namespace>/<name>@<uid>`: the owner of every version this object writes. */
export function ownerRefOf(object: DefinitionResource): string {
  return `kubernetes:${object.metadata.namespace}/${object.metadata.name}@${object.metadata.uid ?? ""}`;
}

type Converged = { outcome: StatusOutcome; error?: unknown };

class KindReconciler {
  private readonly info: KindInfo;
  private readonly deps: DefinitionReconcilerDeps;

  constructor(info: KindInfo, deps: DefinitionReconcilerDeps) {
    this.info = info;
    this.deps = deps;
  }

  /** Reads from the cache; finalizer first; then apply and status (STYLE.md's order). */
  async reconcile(ctx: ReconcileContext, request: Request): Promise<Result> {
    const object = this.deps.reader.get(request) as DefinitionResource | undefined;
    if (object === undefined) return {};
    const ref: ObjectRef = { group: GROUP, version: VERSION, plural: this.info.plural, ...request };
    const step = await runFinalizer(object, DEFINITION_FINALIZER, () => this.release(ctx, object));
    if (step.finalizers !== undefined) {
      const updated = await this.deps.objects.setFinalizers(ref, { finalizers: step.finalizers, resourceVersion: object.metadata.resourceVersion ?? "" });
      if (updated === undefined || isDeleting(updated)) return {};
    }
    if (step.deleting) return {};
    const converged = await this.converge(ctx, object);
    await this.writeStatus(ref, object, converged.outcome);
    if (converged.error !== undefined) throw converged.error;
    return {};
  }

  /** The finalizer: retire what this object owns, in the tenant its status names (where it applied). */
  private async release(ctx: ReconcileContext, object: DefinitionResource): Promise<void> {
    const tenant = object.status?.tenant ?? (await this.currentTenant(object));
    if (tenant === undefined) return;
    const name = definitionName(object);
    const retired = await this.deps.definitions.release({ kind: this.info.definitionKind, tenantId: tenant, name, ownerRef: ownerRefOf(object) });
    ctx.log.info({ kind: this.info.kind, namespace: object.metadata.namespace, object: object.metadata.name, tenant, definition: name, retired }, "definition retired: its object is being deleted");
  }

  private async currentTenant(object: DefinitionResource): Promise<string | undefined> {
    const resolution = await this.deps.namespaces.tenantOf(object.metadata.namespace);
    return resolution.ok ? resolution.tenant : undefined;
  }

  /** Tenant → Secret refs → desired definition → apply: the outcome status reports (errors to retry ride along). */
  private async converge(ctx: ReconcileContext, object: DefinitionResource): Promise<Converged> {
    const { namespace } = object.metadata;
    const tenant = await this.deps.namespaces.tenantOf(namespace);
    if (!tenant.ok) return { outcome: { state: "stalled", reason: "InvalidSpec", message: tenant.message } };
    const secrets = await resolveSecretRefs(this.deps.secrets, namespace, secretReferences(this.info.definitionKind, object.spec));
    if (!secrets.ok) return { outcome: { state: "stalled", reason: "ReferenceNotFound", message: secrets.message } };
    const desired = definitionFromObject(this.info.definitionKind, object, secrets.lookup);
    if (!desired.ok) return { outcome: { state: "stalled", reason: desired.reason, message: desired.message } };
    try {
      const applied = await this.deps.definitions.apply({ kind: this.info.definitionKind, tenantId: tenant.tenant, name: desired.name, definition: desired.definition, source: "kubernetes", ownerRef: ownerRefOf(object) });
      const { def_id: definitionId, version } = applied.definition;
      if (applied.created || applied.restored) ctx.log.info({ kind: this.info.kind, namespace, object: object.metadata.name, tenant: tenant.tenant, definitionId, version, restored: applied.restored }, "definition version active");
      await this.leaveOldTenant(ctx, object, tenant.tenant);
      return { outcome: { state: "ready", definitionId, version, tenant: tenant.tenant, message: `${this.info.definitionKind} ${JSON.stringify(desired.name)} version ${version} is active in tenant ${tenant.tenant}` } };
    } catch (error) {
      const failed = failedWrite(error);
      return failed.retry ? { outcome: failed.outcome, error } : { outcome: failed.outcome };
    }
  }

  /** The namespace's tenant changed: the definition now lives in the new tenant, so retire it in the old one. */
  private async leaveOldTenant(ctx: ReconcileContext, object: DefinitionResource, tenant: string): Promise<void> {
    const previous = object.status?.tenant;
    if (previous === undefined || previous === tenant) return;
    const retired = await this.deps.definitions.release({ kind: this.info.definitionKind, tenantId: previous, name: definitionName(object), ownerRef: ownerRefOf(object) });
    ctx.log.info({ kind: this.info.kind, namespace: object.metadata.namespace, object: object.metadata.name, from: previous, to: tenant, retired }, "definition moved to the namespace's new tenant");
  }

  /** Writes status only when it changes (a write is a watch event: an unchanged one would loop). */
  private async writeStatus(ref: ObjectRef, object: DefinitionResource, outcome: StatusOutcome): Promise<void> {
    const next = nextStatus(object.status, outcome, { generation: object.metadata.generation ?? 0, now: this.deps.now() });
    if (sameStatus(object.status, next)) return;
    await this.deps.objects.patchStatus(ref, next as Record<string, unknown>);
  }
}

/** The reconciler of one loomcycle kind: CR → definition in Postgres, finalizer, status. */
export function definitionReconciler(info: KindInfo, deps: DefinitionReconcilerDeps): Reconciler {
  const reconciler = new KindReconciler(info, deps);
  return (ctx, request) => reconciler.reconcile(ctx, request);
}
