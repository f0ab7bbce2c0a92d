import { AppError, SECRET_DEFINITION_KINDS } from "../../domain/index.ts";
import type { MemoryBackend, SnapshotRestoreCounts, SnapshotSections } from "../../domain/index.ts";
import type { NewSnapshot, SnapshotRecord, SnapshotRestoreOutcome, SnapshotSectionSummary, SnapshotStore } from "../snapshot-ports.ts";
import { loadSql } from "./load-sql.ts";
import type { SqlClient, SqlExecutor } from "./sql-client.ts";

/** A `snapshots` row as both drivers return it. */
interface SnapshotRow {
  id: string;
  created_at: Date;
  label: string | null;
  schema_version: string;
  size_bytes: number | string;
  sections: unknown;
  json_content?: string;
}

/** The token the vector statements carry where the extension's schema goes. */
const VECTOR_SCHEMA_TOKEN = /__vector_schema__/g;

function mapRecord(row: SnapshotRow): SnapshotRecord {
  return {
    id: row.id,
    created_at: new Date(row.created_at),
    label: row.label,
    schema_version: row.schema_version,
    size_bytes: Number(row.size_bytes),
    sections: (row.sections ?? {}) as Record<string, SnapshotSectionSummary>,
  };
}

async function items<T>(executor: SqlExecutor, query: string, params: readonly unknown[] = []): Promise<T[]> {
  const rows = await executor.query<{ items: unknown }>(loadSql(query), params);
  const value = rows[0]?.items;
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? (parsed as T[]) : [];
}

async function count(executor: SqlExecutor, query: string, params: readonly unknown[]): Promise<number> {
  const rows = await executor.query<{ restored: number | string }>(loadSql(query), params);
  return Number(rows[0]?.restored ?? 0);
}

function emptyCounts(): SnapshotRestoreCounts {
  return {
    definitions_restored: 0,
    active_pointers_restored: 0,
    memory_restored: 0,
    channel_messages_restored: 0,
    channel_cursors_restored: 0,
    evaluations_restored: 0,
    paused_runs_restored: 0,
    sessions_restored: 0,
    transcript_events_restored: 0,
  };
}

/**
 * A row the database refused (SQLSTATE class 22 data exception, 23 integrity violation) means
 * the envelope's content does not fit, e.g. a hand-edited item missing a required field: a 400
 * naming the database's reason. Anything else stays what it was.
 */
function asEnvelopeError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !/^2[23]/.test(code)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError("INVALID_ARGUMENT", `json: the snapshot does not fit this database: ${reason}`, { details: { field: "json" }, cause: error });
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Snapshots over the SQL layer (Postgres and PGlite run the same statements). Capture reads
 * every section as JSON built by the database (`to_jsonb` of the rows, so a column added later
 * travels without code here); restore writes rows back with `jsonb_populate_record`, which
 * ignores fields the table does not have (the additive-fields rule), all in one transaction.
 */
export class SqlSnapshotStore implements SnapshotStore {
  private readonly client: SqlClient;
  private readonly memory: Pick<MemoryBackend, "vectorSupported">;

  constructor(client: SqlClient, memory: Pick<MemoryBackend, "vectorSupported">) {
    this.client = client;
    this.memory = memory;
  }

  capture(): Promise<SnapshotSections> {
    return this.client.transaction(async (tx) => {
      await tx.query(loadSql("snapshot_begin_capture"));
      const [vectorColumn] = await tx.query<{ present: number | string }>(loadSql("snapshot_embedding_column"));
      const memoryQuery = Number(vectorColumn?.present ?? 0) > 0 ? "snapshot_capture_memory_vectors" : "snapshot_capture_memory";
      return {
        definitions: await items(tx, "snapshot_capture_definitions", [SECRET_DEFINITION_KINDS]),
        memory: await items(tx, memoryQuery),
        channels: await items(tx, "snapshot_capture_channels"),
        paused_runs: await items(tx, "snapshot_capture_paused_runs"),
        evaluations: await items(tx, "snapshot_capture_evaluations"),
      };
    });
  }

  async restore(sections: SnapshotSections): Promise<SnapshotRestoreOutcome> {
    const warnings: string[] = [];
    const vectorSchema = await this.vectorSchemaFor(sections, warnings);
    try {
      return await this.restoreIn(sections, { vectorSchema, warnings });
    } catch (error) {
      throw asEnvelopeError(error);
    }
  }

  private restoreIn(sections: SnapshotSections, context: { vectorSchema: string | null; warnings: string[] }): Promise<SnapshotRestoreOutcome> {
    const { vectorSchema, warnings } = context;
    return this.client.transaction(async (tx) => {
      await tx.query(loadSql("snapshot_begin_restore"));
      const counts = emptyCounts();
      const definitions = JSON.stringify(sections.definitions);
      counts.definitions_restored = await count(tx, "snapshot_restore_definitions", [definitions]);
      counts.active_pointers_restored = await count(tx, "snapshot_restore_active", [definitions]);
      counts.memory_restored = await this.restoreMemory(tx, sections, vectorSchema);
      await this.restoreChannels(tx, sections, counts);
      const pausedRunIds = await this.restorePausedRuns(tx, sections, counts);
      counts.evaluations_restored = await count(tx, "snapshot_restore_evaluations", [JSON.stringify(sections.evaluations)]);
      return { counts, pausedRunIds, warnings };
    });
  }

  async save(snapshot: NewSnapshot): Promise<SnapshotRecord> {
    const params = [
      snapshot.id,
      snapshot.created_at.toISOString(),
      snapshot.label,
      snapshot.schema_version,
      snapshot.size_bytes,
      JSON.stringify(snapshot.sections),
      snapshot.json_content,
    ];
    const [row] = await this.client.query<SnapshotRow>(loadSql("snapshot_insert"), params);
    if (row === undefined) throw new AppError("INTERNAL", "snapshot_insert returned no row");
    return mapRecord(row);
  }

  async list(filter: { limit: number; labelContains?: string }): Promise<SnapshotRecord[]> {
    const rows = await this.client.query<SnapshotRow>(loadSql("snapshot_list"), [filter.labelContains ?? null, filter.limit]);
    return rows.map(mapRecord);
  }

  async get(id: string): Promise<NewSnapshot | null> {
    const [row] = await this.client.query<SnapshotRow>(loadSql("snapshot_select"), [id]);
    return row === undefined ? null : { ...mapRecord(row), json_content: row.json_content ?? "" };
  }

  async delete(id: string): Promise<void> {
    await this.client.query(loadSql("snapshot_delete"), [id]);
  }

  /** The vector extension's quoted schema when the memory section carries embeddings and the database can hold them. */
  private async vectorSchemaFor(sections: SnapshotSections, warnings: string[]): Promise<string | null> {
    const embedded = sections.memory.filter((item) => item.embedding !== null && item.embedding !== undefined).length;
    if (embedded === 0) return null;
    if (await this.memory.vectorSupported()) {
      const [row] = await this.client.query<{ schema: string }>(loadSql("memory_vector_schema"));
      if (row !== undefined) return quoteIdentifier(row.schema);
    }
    warnings.push(`${embedded} memory embeddings were not restored: this database has no pgvector (the entries were, without vector search)`);
    return null;
  }

  private async restoreMemory(tx: SqlExecutor, sections: SnapshotSections, vectorSchema: string | null): Promise<number> {
    const params = [JSON.stringify(sections.memory)];
    if (vectorSchema === null) return count(tx, "snapshot_restore_memory", params);
    const sql = loadSql("snapshot_restore_memory_vectors").replace(VECTOR_SCHEMA_TOKEN, vectorSchema);
    const rows = await tx.query<{ restored: number | string }>(sql, params);
    return Number(rows[0]?.restored ?? 0);
  }

  private async restoreChannels(tx: SqlExecutor, sections: SnapshotSections, counts: SnapshotRestoreCounts): Promise<void> {
    const params = [JSON.stringify(sections.channels)];
    await tx.query(loadSql("snapshot_restore_channels"), params);
    counts.channel_messages_restored = await count(tx, "snapshot_restore_channel_messages", params);
    counts.channel_cursors_restored = await count(tx, "snapshot_restore_channel_cursors", params);
  }

  /** Sessions, runs (parents before children: one statement) and every event of the sessions. */
  private async restorePausedRuns(tx: SqlExecutor, sections: SnapshotSections, counts: SnapshotRestoreCounts): Promise<string[]> {
    const sessions = sections.paused_runs;
    if (sessions.length === 0) return [];
    const json = JSON.stringify(sessions);
    const runIds = sessions.flatMap((item) => item.runs.map((run) => run.id));
    counts.sessions_restored = await count(tx, "snapshot_restore_sessions", [json]);
    const runs = await tx.query<{ id: string; status: string }>(loadSql("snapshot_restore_runs"), [json, runIds]);
    const paused = runs.filter((run) => run.status === "paused").map((run) => run.id);
    counts.paused_runs_restored = paused.length;
    counts.transcript_events_restored = await count(tx, "snapshot_restore_events", [json]);
    return paused;
  }
}
