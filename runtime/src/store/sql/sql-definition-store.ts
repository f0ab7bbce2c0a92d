import { AppError } from "../../domain/index.ts";
import type { DefinitionKind, DefinitionNameSummary, DefinitionRecord, DefinitionSource } from "../../domain/index.ts";
import type { DefinitionApplyOutcome, DefinitionStore, DefinitionWriter, NewDefinitionVersion } from "../definition-ports.ts";
import { loadSql } from "./load-sql.ts";
import type { SqlClient, SqlExecutor } from "./sql-client.ts";

/** A `definitions` row (plus `active`) as both drivers return it. */
interface DefinitionRow {
  def_id: string;
  tenant_id: string;
  kind: string;
  name: string;
  version: number;
  parent_def_id: string | null;
  definition: unknown;
  content_sha256: string;
  source: string;
  owner_ref: string | null;
  retired: boolean;
  bootstrapped_from_static: boolean;
  active: boolean;
  created_at: Date;
  created_by: string;
  created_by_agent_id: string | null;
  created_by_run_id: string | null;
}

interface NameRow {
  name: string;
  versions: number;
  latest_version: number;
  active_def_id: string | null;
  active_version: number | null;
  active_retired: boolean;
  source: string;
}

type ApplyVersion = Parameters<DefinitionStore["apply"]>[0];

function mapRow(row: DefinitionRow): DefinitionRecord {
  return {
    ...row,
    kind: row.kind as DefinitionKind,
    version: Number(row.version),
    definition: (typeof row.definition === "string" ? JSON.parse(row.definition) : row.definition) as Record<string, unknown>,
    source: row.source as DefinitionSource,
    created_at: new Date(row.created_at),
  };
}

function mapName(row: NameRow): DefinitionNameSummary {
  return {
    ...row,
    versions: Number(row.versions),
    latest_version: Number(row.latest_version),
    active_version: row.active_version === null ? null : Number(row.active_version),
    source: row.source as DefinitionSource,
  };
}

/** Why a writer may not touch a name, or null: a kubernetes owner refuses everyone but itself. */
function ownershipProblem(writer: DefinitionWriter, name: string, owner: string | null): string | null {
  if (owner === null) return null;
  if (writer.source === "kubernetes" && writer.owner_ref === owner) return null;
  return `${writer.kind} definition "${name}" is owned by ${owner}: change it through that Kubernetes object (GitOps is the source of truth), not through ${writer.source === "kubernetes" ? "another object" : "the API"}`;
}

/** Whether the active version already is this writer's content, live: an apply then writes nothing. */
function servesContent(active: DefinitionRecord, version: ApplyVersion): boolean {
  return active.content_sha256 === version.content_sha256 && active.owner_ref === version.owner_ref && !active.retired;
}

/** A controller may not take over a name whose live active version was written through the API. */
function managedThroughApi(writer: DefinitionWriter, active: DefinitionRecord): AppError {
  return new AppError(
    "DEFINITION_OWNED",
    `${writer.kind} definition "${active.name}" is managed through the ${active.source === "config" ? "configuration" : "API"} (active version ${active.version}): retire that version first, or give the object another spec.name`,
    { details: { owner_ref: null, field: "name" } },
  );
}

/** The definition substrate over the shared SQL layer (tables `definitions`, `definition_active`, migration 0011). */
export class SqlDefinitionStore implements DefinitionStore {
  private readonly client: SqlClient;

  constructor(client: SqlClient) {
    this.client = client;
  }

  insertVersion(version: NewDefinitionVersion): Promise<DefinitionRecord> {
    return this.client.transaction(async (tx) => {
      await this.lockOwned(tx, version, version.name);
      if (version.must_be_new) await this.requireNew(tx, version);
      return this.write(tx, version);
    });
  }

  apply(version: ApplyVersion): Promise<DefinitionApplyOutcome> {
    return this.client.transaction(async (tx) => {
      await this.lockOwned(tx, version, version.name);
      const active = await this.selectOne(tx, "definition_select_active", [version.tenant_id, version.kind, version.name]);
      if (active !== null && servesContent(active, version)) return { record: active, created: false, restored: false };
      if (active !== null && active.source !== "kubernetes" && !active.retired) throw managedThroughApi(version, active);
      const owned = await this.selectOne(tx, "definition_select_owned_content", [version.tenant_id, version.kind, version.name, version.owner_ref, version.content_sha256]);
      if (owned !== null) return { record: await this.restore(tx, version, owned), created: false, restored: true };
      const fresh = { ...version, parent_def_id: active?.def_id ?? null, must_be_new: false, promote: true, bootstrapped_from_static: false };
      return { record: await this.write(tx, fresh), created: true, restored: false };
    });
  }

  releaseOwned(writer: DefinitionWriter, name: string): Promise<string[]> {
    return this.client.transaction(async (tx) => {
      // No ownership check: an object that never owned the name (a NameConflict) releases nothing and must not be refused, or its delete would hang.
      await tx.query(loadSql("definition_lock"), [writer.tenant_id, writer.kind, name]);
      const rows = await tx.query<{ def_id: string }>(loadSql("definition_retire_owned"), [writer.tenant_id, writer.kind, name, writer.owner_ref]);
      return rows.map((row) => row.def_id);
    });
  }

  promote(writer: DefinitionWriter, defId: string): Promise<DefinitionRecord | null> {
    return this.client.transaction(async (tx) => {
      const target = await this.selectOne(tx, "definition_select", [defId, writer.tenant_id, writer.kind]);
      if (target === null) return null;
      await this.lockOwned(tx, writer, target.name);
      await tx.query(loadSql("definition_promote"), [defId, writer.tenant_id, writer.kind, writer.by]);
      return this.selectOne(tx, "definition_select", [defId, writer.tenant_id, writer.kind]);
    });
  }

  setRetired(writer: DefinitionWriter, change: { def_id: string; retired: boolean }): Promise<DefinitionRecord | null> {
    return this.client.transaction(async (tx) => {
      const target = await this.selectOne(tx, "definition_select", [change.def_id, writer.tenant_id, writer.kind]);
      if (target === null) return null;
      await this.lockOwned(tx, writer, target.name);
      await tx.query(loadSql("definition_set_retired"), [change.def_id, writer.tenant_id, writer.kind, change.retired]);
      return this.selectOne(tx, "definition_select", [change.def_id, writer.tenant_id, writer.kind]);
    });
  }

  get(tenantId: string, kind: DefinitionKind, defId: string): Promise<DefinitionRecord | null> {
    return this.selectOne(this.client, "definition_select", [defId, tenantId, kind]);
  }

  async listVersions(tenantId: string, kind: DefinitionKind, name: string): Promise<DefinitionRecord[]> {
    const rows = await this.client.query<DefinitionRow>(loadSql("definition_list_versions"), [tenantId, kind, name]);
    return rows.map(mapRow);
  }

  getActive(tenantId: string, kind: DefinitionKind, name: string): Promise<DefinitionRecord | null> {
    return this.selectOne(this.client, "definition_select_active", [tenantId, kind, name]);
  }

  async listNames(tenantId: string, kind: DefinitionKind): Promise<DefinitionNameSummary[]> {
    const rows = await this.client.query<NameRow>(loadSql("definition_list_names"), [tenantId, kind]);
    return rows.map(mapName);
  }

  async listActive(kind: DefinitionKind): Promise<DefinitionRecord[]> {
    const rows = await this.client.query<DefinitionRow>(loadSql("definition_list_active"), [kind]);
    return rows.map(mapRow);
  }

  /** Takes the name's write lock, then refuses a writer the name's kubernetes owner does not allow. */
  private async lockOwned(tx: SqlExecutor, writer: DefinitionWriter, name: string): Promise<void> {
    await tx.query(loadSql("definition_lock"), [writer.tenant_id, writer.kind, name]);
    const rows = await tx.query<{ owner_ref: string | null }>(loadSql("definition_owner"), [writer.tenant_id, writer.kind, name]);
    const problem = ownershipProblem(writer, name, rows[0]?.owner_ref ?? null);
    if (problem !== null) throw new AppError("DEFINITION_OWNED", problem, { details: { owner_ref: rows[0]?.owner_ref, field: "name" } });
  }

  /** Drift repair: an owned version with the wanted content serves again (un-retired, promoted). */
  private async restore(tx: SqlExecutor, writer: DefinitionWriter, owned: DefinitionRecord): Promise<DefinitionRecord> {
    if (owned.retired) await tx.query(loadSql("definition_set_retired"), [owned.def_id, writer.tenant_id, writer.kind, false]);
    if (!owned.active) await tx.query(loadSql("definition_promote"), [owned.def_id, writer.tenant_id, writer.kind, writer.by]);
    const record = await this.selectOne(tx, "definition_select", [owned.def_id, writer.tenant_id, writer.kind]);
    if (record === null) throw new AppError("INTERNAL", "definition_select lost a locked row");
    return record;
  }

  private async requireNew(tx: SqlExecutor, version: NewDefinitionVersion): Promise<void> {
    const rows = await tx.query<{ last_version: number }>(loadSql("definition_last_version"), [version.tenant_id, version.kind, version.name]);
    const last = Number(rows[0]?.last_version ?? 0);
    if (last === 0) return;
    throw new AppError("DEFINITION_EXISTS", `${version.kind} definition "${version.name}" already exists (versions 1-${last}); use op=fork to add a version`, {
      details: { field: "name" },
    });
  }

  private async write(tx: SqlExecutor, version: NewDefinitionVersion): Promise<DefinitionRecord> {
    const params = [
      version.def_id,
      version.tenant_id,
      version.kind,
      version.name,
      version.parent_def_id,
      JSON.stringify(version.definition),
      version.content_sha256,
      version.source,
      version.owner_ref,
      version.bootstrapped_from_static,
      version.by,
      version.created_by_agent_id,
      version.created_by_run_id,
    ];
    const inserted = await tx.query<{ def_id: string }>(loadSql("definition_insert"), params);
    if (inserted.length === 0) throw new AppError("DEFINITION_OWNED", `${version.kind} definition "${version.name}" is owned by a Kubernetes object`, { details: { field: "name" } });
    if (version.promote) await tx.query(loadSql("definition_promote"), [version.def_id, version.tenant_id, version.kind, version.by]);
    const record = await this.selectOne(tx, "definition_select", [version.def_id, version.tenant_id, version.kind]);
    if (record === null) throw new AppError("INTERNAL", "definition_insert returned no row");
    return record;
  }

  private async selectOne(executor: SqlExecutor, query: string, params: readonly unknown[]): Promise<DefinitionRecord | null> {
    const rows = await executor.query<DefinitionRow>(loadSql(query), params);
    return rows[0] === undefined ? null : mapRow(rows[0]);
  }
}
