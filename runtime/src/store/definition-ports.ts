import type { DefinitionKind, DefinitionNameSummary, DefinitionRecord, DefinitionSource } from "../domain/index.ts";

/** Who writes, and through which source: the ownership rule is checked against it in the store. */
export interface DefinitionWriter {
  tenant_id: string;
  kind: DefinitionKind;
  source: DefinitionSource;
  /** The owning object of a kubernetes write (`kubernetes:<namespace>/<name>@<uid>`); null otherwise. */
  owner_ref: string | null;
  /** The principal's subject. */
  by: string;
}

/** A new immutable version. `version` is assigned by the store (the name's last + 1). */
export interface NewDefinitionVersion extends DefinitionWriter {
  def_id: string;
  name: string;
  definition: Record<string, unknown>;
  content_sha256: string;
  parent_def_id: string | null;
  bootstrapped_from_static: boolean;
  created_by_agent_id: string | null;
  created_by_run_id: string | null;
  /** `create`: refuse with DEFINITION_EXISTS when the name already has a version. */
  must_be_new: boolean;
  /** Move the active pointer to the new version. */
  promote: boolean;
}

/** What an apply did: `created` a new version, `restored` an owned one (un-retired / promoted again), or neither. */
export interface DefinitionApplyOutcome {
  record: DefinitionRecord;
  created: boolean;
  restored: boolean;
}

/**
 * The definition substrate (tables `definitions`, `definition_active`). Every read takes the
 * tenant, so another tenant's row is simply absent. Every write takes the (tenant, kind, name)
 * lock and refuses, in the same transaction, an api/config write to a name a kubernetes version
 * owns (DEFINITION_OWNED naming the owner): the ownership rule holds whoever calls the store.
 */
export interface DefinitionStore {
  insertVersion(version: NewDefinitionVersion): Promise<DefinitionRecord>;
  /**
   * The idempotent upsert of a controller: when the active version already has this content hash
   * (and the writer owns it) nothing is written; when a version the writer wrote with this content
   * exists but was retired or is no longer active (drift), it is un-retired and promoted again
   * (`restored`); otherwise a new version, forked from the active one, is written and promoted.
   * Refuses (DEFINITION_OWNED) a name whose live active version was written through the API.
   */
  apply(version: Omit<NewDefinitionVersion, "parent_def_id" | "must_be_new" | "promote" | "bootstrapped_from_static">): Promise<DefinitionApplyOutcome>;
  /**
   * Retires every live version of `name` the writer's Kubernetes object owns (its object is
   * deleted): resolution stops serving it and the name is released. Returns the retired versions'
   * ids (none, and no refusal, for an object that never owned the name).
   */
  releaseOwned(writer: DefinitionWriter, name: string): Promise<string[]>;
  /** Moves the active pointer; null when the tenant has no such definition of this kind. */
  promote(writer: DefinitionWriter, defId: string): Promise<DefinitionRecord | null>;
  /** Sets or clears `retired`; null when the tenant has no such definition of this kind. */
  setRetired(writer: DefinitionWriter, change: { def_id: string; retired: boolean }): Promise<DefinitionRecord | null>;
  get(tenantId: string, kind: DefinitionKind, defId: string): Promise<DefinitionRecord | null>;
  /** A name's versions, newest first. */
  listVersions(tenantId: string, kind: DefinitionKind, name: string): Promise<DefinitionRecord[]>;
  /** The version the active pointer selects (retired or not); null when none. */
  getActive(tenantId: string, kind: DefinitionKind, name: string): Promise<DefinitionRecord | null>;
  listNames(tenantId: string, kind: DefinitionKind): Promise<DefinitionNameSummary[]>;
  /** Every tenant's active, non-retired definitions of a kind: what resolution serves. */
  listActive(kind: DefinitionKind): Promise<DefinitionRecord[]>;
}
