import type { MemoryScope } from "./agent.ts";

/**
 * Memory: scoped JSON key-value entries with an optional embedding for semantic search. The
 * store implements MemoryBackend (Postgres with pgvector, or PGlite with its vector extension);
 * an Embedder turns text into vectors. Both are ports; service/MemoryService composes them.
 */

/** Longest key accepted (bytes of UTF-8 are not counted; characters are). */
export const MAX_MEMORY_KEY_LENGTH = 512;
/** Most entries one list returns (loomcycle's cap). */
export const MAX_MEMORY_LIST_LIMIT = 1000;
/** Entries a list returns when the caller names no limit. */
export const DEFAULT_MEMORY_LIST_LIMIT = 100;
/** Most hits one search returns (loomcycle's cap). */
export const MAX_MEMORY_TOP_K = 50;
/** Hits a search returns when the caller names no top_k. */
export const DEFAULT_MEMORY_TOP_K = 5;
/** Largest value (as JSON) one entry holds: 1 MiB. */
export const MAX_MEMORY_VALUE_BYTES = 1024 * 1024;
/** Longest time to live: ten years (a longer TTL is "forever"; omit it instead). */
export const MAX_MEMORY_TTL_SECONDS = 10 * 365 * 24 * 3600;

/** Where entries live: a tenant, a scope kind and the scope's id (agent name, user id, tenant, run id). */
export interface MemoryScopeRef {
  tenantId: string;
  scope: MemoryScope;
  scopeId: string;
}

/** One stored entry as callers see it; timestamps are ISO-8601. */
export interface MemoryEntry {
  key: string;
  value: unknown;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A vector and what produced it; only vectors of the same model and dimension are compared. */
export interface MemoryEmbedding {
  provider: string;
  model: string;
  vector: readonly number[];
  /** The text that was embedded (kept for re-embedding later). */
  text: string;
}

/** What `set` writes. Without an embedding, any embedding the key had is removed (it described the old value). */
export interface MemoryWrite {
  ref: MemoryScopeRef;
  key: string;
  value: unknown;
  /** Seconds until the entry disappears; null = never. */
  ttlSeconds: number | null;
  embedding?: MemoryEmbedding;
}

/** A semantic query: the query's vector, compared by cosine similarity with same-model rows. */
export interface MemoryQuery {
  /** scopeId null searches every scope id of the scope (admin search). */
  ref: Omit<MemoryScopeRef, "scopeId"> & { scopeId: string | null };
  embedding: Omit<MemoryEmbedding, "text">;
  topK: number;
}

/** One search hit: the entry, its cosine similarity to the query (1 = same direction), and its model. */
export interface MemoryHit extends MemoryEntry {
  scope_id: string;
  score: number;
  embedded_with: { provider: string; model: string };
}

/** One scope id of a scope, for the admin listing. */
export interface MemoryScopeIdSummary {
  scope_id: string;
  key_count: number;
  bytes: number;
  updated_at: string;
}

/** The storage port of memory. Expired entries are invisible to every read. */
export interface MemoryBackend {
  get(ref: MemoryScopeRef, key: string): Promise<MemoryEntry | null>;
  set(write: MemoryWrite): Promise<MemoryEntry>;
  /** Whether the key existed (and was not expired). */
  delete(ref: MemoryScopeRef, key: string): Promise<boolean>;
  /** Entries whose key starts with `prefix`, in key order; `truncated` when more exist past `limit`. */
  list(ref: MemoryScopeRef, options: { prefix: string; limit: number }): Promise<{ entries: MemoryEntry[]; truncated: boolean }>;
  /** Nearest entries first. Throws VECTOR_UNSUPPORTED when the database has no vector support. */
  search(query: MemoryQuery): Promise<MemoryHit[]>;
  /** The scope ids of a scope that hold live entries, with their size. */
  scopeIds(tenantId: string, scope: MemoryScope): Promise<MemoryScopeIdSummary[]>;
  /** Whether embeddings can be stored and searched (pgvector / the PGlite vector extension is there). */
  vectorSupported(): Promise<boolean>;
  /** Deletes expired entries; returns how many. */
  sweepExpired(): Promise<number>;
}

/** Turns texts into vectors (an OpenAI-compatible embeddings endpoint, in production). */
export interface Embedder {
  readonly provider: string;
  readonly model: string;
  /** One vector per text, in order. Throws (with the reason) when the endpoint fails. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
}

/** A write through the memory service: the value, and whether (and from which text) to embed it. */
export interface MemorySetRequest {
  ref: MemoryScopeRef;
  key: string;
  value: unknown;
  ttlSeconds: number | null;
  embed: boolean;
  /** What to embed; default: the value itself (a string as is, anything else as JSON). */
  embedText?: string;
  signal?: AbortSignal;
}

/** What a write did: the stored entry, whether it carries an embedding, and why not when embedding was asked for. */
export interface MemorySetResult {
  entry: MemoryEntry;
  embedded: boolean;
  embed_warning?: string;
}

/** A semantic search through the memory service: the query text is embedded with the configured embedder. */
export interface MemorySearchRequest {
  ref: MemoryQuery["ref"];
  query: string;
  topK: number;
  signal?: AbortSignal;
}

/** Search hits (nearest first) and the query vector's dimension. */
export interface MemorySearchResult {
  entries: MemoryHit[];
  query_embedding_dim: number;
  /** More entries matched than top_k. */
  truncated: boolean;
}
