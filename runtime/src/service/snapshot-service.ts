import { AppError, SNAPSHOT_SCHEMA_VERSION, SNAPSHOT_SECTIONS, SNAPSHOT_SECTION_VERSIONS, buildSnapshotEnvelope, canonicalJson, newId, readSnapshotEnvelope } from "../domain/index.ts";
import type { Logger, SnapshotRestoreResult, SnapshotSections } from "../domain/index.ts";
import type { SnapshotRecord, SnapshotSectionSummary, SnapshotStore } from "../store/index.ts";

/** 512 MiB: loomcycle's default cap of one snapshot (LOOMCYCLE_SNAPSHOT_MAX_BYTES). */
export const DEFAULT_SNAPSHOT_MAX_BYTES = 512 * 1024 * 1024;
/** The most descriptors one list answers. */
export const MAX_SNAPSHOT_LIST_LIMIT = 200;

/** What the snapshot service is built from. */
export interface SnapshotServiceDeps {
  store: SnapshotStore;
  /** The cap of one snapshot; a call's `max_bytes` may only lower it. */
  maxBytes?: number;
  /** Resumes restored paused runs (the runtime wires RunService.wake({from: "paused", runIds})). */
  resume?: (runIds: readonly string[]) => Promise<unknown>;
  /** Whether the runtime is paused: restored paused runs then wait for POST /v1/_resume. */
  isPaused?: () => Promise<boolean>;
  /** Called after a restore wrote definitions (the agent catalog reloads them). */
  onDefinitionsRestored?: () => Promise<void>;
  logger?: Logger;
}

/** A snapshot's descriptor on the wire. */
export interface SnapshotDescriptor {
  snapshot_id: string;
  created_at: string;
  label: string | null;
  schema_version: string;
  size_bytes: number;
  sections: Record<string, SnapshotSectionSummary>;
}

/** POST /v1/_snapshots, validated. */
export interface CreateSnapshotRequest {
  label?: string | undefined;
  include_history?: boolean | undefined;
  max_bytes?: number | undefined;
}

/** A restore: an inline envelope (`json`), else the stored snapshot `snapshotId`. */
export interface RestoreSnapshotRequest {
  snapshotId: string;
  json?: unknown;
}

function toDescriptor(record: SnapshotRecord): SnapshotDescriptor {
  return {
    snapshot_id: record.id,
    created_at: record.created_at.toISOString(),
    label: record.label,
    schema_version: record.schema_version,
    size_bytes: record.size_bytes,
    sections: record.sections,
  };
}

function summarize(sections: SnapshotSections): Record<string, SnapshotSectionSummary> {
  return Object.fromEntries(SNAPSHOT_SECTIONS.map((name) => [name, { version: SNAPSHOT_SECTION_VERSIONS[name], count: sections[name].length }]));
}

function notFound(id: string): AppError {
  return new AppError("NOT_FOUND", `snapshot ${JSON.stringify(id)} not found`, { details: { field: "snapshot_id" } });
}

/**
 * Snapshots (loomcycle §9.4): capture the runtime's durable state as one canonical JSON
 * envelope, store it, list/export/delete it, and restore it idempotently into this or another
 * database. Restored paused runs resume at once unless the runtime is paused.
 */
export class SnapshotService {
  private readonly deps: SnapshotServiceDeps;

  constructor(deps: SnapshotServiceDeps) {
    this.deps = deps;
  }

  /** The cap of one snapshot (and of an inline restore body). */
  get maxBytes(): number {
    return this.deps.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
  }

  async create(request: CreateSnapshotRequest): Promise<SnapshotDescriptor> {
    const createdAt = new Date();
    const sections = await this.deps.store.capture();
    const label = request.label ?? null;
    const json = canonicalJson(buildSnapshotEnvelope({ createdAt, label, sections }));
    const size = Buffer.byteLength(json, "utf8");
    const cap = Math.min(request.max_bytes ?? this.maxBytes, this.maxBytes);
    if (size > cap) {
      throw new AppError("SNAPSHOT_TOO_LARGE", `the snapshot is ${size} bytes, over the cap of ${cap} (max_bytes / LOOMCYCLE_SNAPSHOT_MAX_BYTES)`, {
        details: { field: "max_bytes", size_bytes: size, max_bytes: cap },
      });
    }
    const record = await this.deps.store.save({
      id: newId("snap"),
      created_at: createdAt,
      label,
      schema_version: SNAPSHOT_SCHEMA_VERSION,
      size_bytes: size,
      sections: summarize(sections),
      json_content: json,
    });
    return toDescriptor(record);
  }

  async list(filter: { limit?: number | undefined; labelContains?: string | undefined }): Promise<SnapshotDescriptor[]> {
    const limit = Math.min(filter.limit ?? MAX_SNAPSHOT_LIST_LIMIT, MAX_SNAPSHOT_LIST_LIMIT);
    const records = await this.deps.store.list({ limit, ...(filter.labelContains ? { labelContains: filter.labelContains } : {}) });
    return records.map(toDescriptor);
  }

  /** A snapshot's descriptor and its canonical JSON envelope (as text, exactly as stored). */
  async get(id: string): Promise<{ descriptor: SnapshotDescriptor; json: string }> {
    const snapshot = await this.deps.store.get(id);
    if (snapshot === null) throw notFound(id);
    return { descriptor: toDescriptor(snapshot), json: snapshot.json_content };
  }

  async delete(id: string): Promise<void> {
    await this.deps.store.delete(id);
  }

  /**
   * Restores an envelope (inline, or a stored snapshot's): checks it (400 naming the field,
   * 422 for a version newer than this build), writes what is new in one transaction, then
   * resumes the restored paused runs unless the runtime is paused.
   */
  async restore(request: RestoreSnapshotRequest): Promise<SnapshotRestoreResult> {
    const raw = request.json ?? (await this.storedEnvelope(request.snapshotId));
    const envelope = readSnapshotEnvelope(raw, { field: request.json === undefined ? "json_content" : "json" });
    const outcome = await this.deps.store.restore(envelope.sections);
    const warnings = [...envelope.warnings, ...outcome.warnings];
    if (outcome.counts.definitions_restored + outcome.counts.active_pointers_restored > 0) await this.deps.onDefinitionsRestored?.();
    if (outcome.pausedRunIds.length > 0) warnings.push(...(await this.resumeRestored(outcome.pausedRunIds)));
    return { ...outcome.counts, warnings, format_migrations: envelope.formatMigrations };
  }

  private async storedEnvelope(id: string): Promise<unknown> {
    const { json } = await this.get(id);
    return JSON.parse(json) as unknown;
  }

  /** Wakes restored paused runs now, or leaves them for POST /v1/_resume when the runtime is paused. */
  private async resumeRestored(runIds: readonly string[]): Promise<string[]> {
    if ((await this.deps.isPaused?.()) === true) return [`${runIds.length} restored paused runs wait for POST /v1/_resume: the runtime is paused`];
    if (this.deps.resume === undefined) return [`${runIds.length} restored paused runs stay paused: this runtime cannot resume runs`];
    try {
      await this.deps.resume(runIds);
      return [];
    } catch (error) {
      this.deps.logger?.warn({ err: error, runs: runIds.length }, "resuming restored paused runs failed");
      return [`${runIds.length} restored paused runs could not be resumed now and stay paused (POST /v1/_resume retries)`];
    }
  }
}

