import { AppError, isAppError } from "../../domain/index.ts";
import type {
  MemoryBackend,
  MemoryEmbedding,
  MemoryEntry,
  MemoryHit,
  MemoryQuery,
  MemoryScope,
  MemoryScopeIdSummary,
  MemoryScopeRef,
  MemoryWrite,
} from "../../domain/index.ts";
import { loadSql } from "./load-sql.ts";
import { MIGRATION_LOCK_KEY } from "./migrate.ts";
import type { SqlClient, SqlExecutor } from "./sql-client.ts";

/** A memory row as both drivers return it. */
interface EntryRow {
  key: string;
  value: unknown;
  expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface HitRow extends EntryRow {
  scope_id: string;
  provider: string;
  model: string;
  score: number | string;
}

interface ScopeIdRow {
  scope_id: string;
  key_count: number | string;
  bytes: number | string | null;
  updated_at: Date;
}

/** The token the vector statements carry where the extension's schema goes. */
const VECTOR_SCHEMA_TOKEN = /__vector_schema__/g;

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function mapEntry(row: EntryRow): MemoryEntry {
  return {
    key: row.key,
    value: row.value,
    expires_at: row.expires_at === null ? null : iso(row.expires_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

function mapHit(row: HitRow): MemoryHit {
  const score = Number(row.score);
  return {
    ...mapEntry(row),
    scope_id: row.scope_id,
    // A zero vector has no direction: pgvector answers NaN; it is simply not similar.
    score: Number.isFinite(score) ? score : 0,
    embedded_with: { provider: row.provider, model: row.model },
  };
}

function identity(ref: MemoryScopeRef, key: string): string[] {
  return [ref.tenantId, ref.scope, ref.scopeId, key];
}

/** pgvector's text form of a vector. */
function vectorLiteral(vector: readonly number[]): string {
  if (vector.length === 0 || !vector.every(Number.isFinite)) throw new AppError("INVALID_ARGUMENT", "an embedding must be a non-empty list of finite numbers");
  return `[${vector.join(",")}]`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * MemoryBackend over the SQL store, on Postgres and PGlite alike. Key-value needs only the
 * migration; vectors need pgvector, which is enabled on first use (under the migration lock,
 * installed into `public`, then the `embedding` column is added): without it, kv keeps working
 * and search answers VECTOR_UNSUPPORTED.
 */
export class SqlMemoryStore implements MemoryBackend {
  private readonly client: SqlClient;
  /** The quoted schema of the vector extension, or null when the database has none. */
  private vectorSchema: Promise<string | null> | undefined;

  constructor(client: SqlClient) {
    this.client = client;
  }

  async get(ref: MemoryScopeRef, key: string): Promise<MemoryEntry | null> {
    const rows = await this.client.query<EntryRow>(loadSql("memory_get"), identity(ref, key));
    return rows[0] === undefined ? null : mapEntry(rows[0]);
  }

  async set(write: MemoryWrite): Promise<MemoryEntry> {
    const json = JSON.stringify(write.value);
    const params = [...identity(write.ref, write.key), json, Buffer.byteLength(json), write.ttlSeconds];
    const { embedding } = write;
    if (embedding === undefined) return mapEntry(await this.onlyRow(this.client, params));
    const schema = await this.requireVector();
    return this.client.transaction(async (tx) => {
      const entry = mapEntry(await this.onlyRow(tx, params));
      await tx.query(this.vectorSql("memory_insert_embedding", schema), [...identity(write.ref, write.key), ...embeddingParams(embedding)]);
      return entry;
    });
  }

  async delete(ref: MemoryScopeRef, key: string): Promise<boolean> {
    const rows = await this.client.query<{ live: boolean }>(loadSql("memory_delete"), identity(ref, key));
    return rows[0]?.live === true;
  }

  async list(ref: MemoryScopeRef, options: { prefix: string; limit: number }): Promise<{ entries: MemoryEntry[]; truncated: boolean }> {
    const params = [ref.tenantId, ref.scope, ref.scopeId, options.prefix, options.limit + 1];
    const rows = await this.client.query<EntryRow>(loadSql("memory_list"), params);
    return { entries: rows.slice(0, options.limit).map(mapEntry), truncated: rows.length > options.limit };
  }

  async search(query: MemoryQuery): Promise<MemoryHit[]> {
    const schema = await this.requireVector();
    const { ref, embedding } = query;
    const params = [ref.tenantId, ref.scope, ref.scopeId, embedding.provider, embedding.model, embedding.vector.length, vectorLiteral(embedding.vector), query.topK];
    const rows = await this.client.query<HitRow>(this.vectorSql("memory_search", schema), params);
    return rows.map(mapHit);
  }

  async scopeIds(tenantId: string, scope: MemoryScope): Promise<MemoryScopeIdSummary[]> {
    const rows = await this.client.query<ScopeIdRow>(loadSql("memory_scope_ids"), [tenantId, scope]);
    return rows.map((row) => ({ scope_id: row.scope_id, key_count: Number(row.key_count), bytes: Number(row.bytes ?? 0), updated_at: iso(row.updated_at) }));
  }

  async vectorSupported(): Promise<boolean> {
    return (await this.detectVector()) !== null;
  }

  async sweepExpired(): Promise<number> {
    const rows = await this.client.query<{ deleted: number | string }>(loadSql("memory_sweep_expired"));
    return Number(rows[0]?.deleted ?? 0);
  }

  private async onlyRow(executor: SqlExecutor, params: readonly unknown[]): Promise<EntryRow> {
    const row = (await executor.query<EntryRow>(loadSql("memory_set"), params))[0];
    if (row === undefined) throw new AppError("INTERNAL", "memory_set returned no row");
    return row;
  }

  private vectorSql(name: string, schema: string): string {
    return loadSql(name).replace(VECTOR_SCHEMA_TOKEN, schema);
  }

  private async requireVector(): Promise<string> {
    const schema = await this.detectVector();
    if (schema !== null) return schema;
    throw new AppError(
      "VECTOR_UNSUPPORTED",
      "vector memory needs the pgvector extension, which this database does not have; install it (scripts/ensure-pgvector.sh does on Debian) and restart loomcycle",
    );
  }

  /** Enables vectors once per store; a connection failure is not remembered, a missing extension is. */
  private detectVector(): Promise<string | null> {
    this.vectorSchema ??= this.enableVector().catch((error: unknown) => {
      this.vectorSchema = undefined;
      throw error;
    });
    return this.vectorSchema;
  }

  private async enableVector(): Promise<string | null> {
    const installed = await this.installedSchema(this.client);
    if (installed !== null) return this.addEmbeddingColumn(installed);
    const [row] = await this.client.query<{ available: number | string }>(loadSql("memory_vector_available"));
    if (Number(row?.available ?? 0) === 0) return null;
    try {
      return await this.client.transaction(async (tx) => {
        await tx.query(loadSql("lock_migrations"), [MIGRATION_LOCK_KEY]);
        await tx.query(loadSql("memory_create_vector_extension"));
        const schema = await this.installedSchema(tx);
        if (schema !== null) await tx.query(this.vectorSql("memory_add_embedding_column", schema));
        return schema;
      });
    } catch (error) {
      // No privilege to create the extension (or a broken install): kv memory still works.
      if (isAppError(error, "STORE_UNAVAILABLE")) throw error;
      return null;
    }
  }

  private async addEmbeddingColumn(schema: string): Promise<string> {
    await this.client.transaction(async (tx) => {
      await tx.query(loadSql("lock_migrations"), [MIGRATION_LOCK_KEY]);
      await tx.query(this.vectorSql("memory_add_embedding_column", schema));
    });
    return schema;
  }

  private async installedSchema(executor: SqlExecutor): Promise<string | null> {
    const [row] = await executor.query<{ schema: string }>(loadSql("memory_vector_schema"));
    return row === undefined ? null : quoteIdentifier(row.schema);
  }
}

function embeddingParams(embedding: MemoryEmbedding): unknown[] {
  return [embedding.provider, embedding.model, embedding.vector.length, embedding.text, vectorLiteral(embedding.vector)];
}
