import { AppError, MAX_MEMORY_KEY_LENGTH, MAX_MEMORY_VALUE_BYTES, isAppError } from "../domain/index.ts";
import type {
  Embedder,
  Logger,
  MemoryBackend,
  MemoryEntry,
  MemoryScope,
  MemoryScopeIdSummary,
  MemoryScopeRef,
  MemorySearchRequest,
  MemorySearchResult,
  MemorySetRequest,
  MemorySetResult,
} from "../domain/index.ts";

/** Expired entries are invisible at once; the rows are deleted by a sweep at most this often, on a write. */
const SWEEP_INTERVAL_MS = 60_000;

/** The scopes GET /v1/_memory/scopes lists, with what their scope id is. */
export const MEMORY_SCOPE_DESCRIPTIONS: readonly { name: MemoryScope; description: string }[] = [
  { name: "agent", description: "shared by every run of one agent; scope_id = the agent's name" },
  { name: "user", description: "one user's memory across agents; scope_id = the run's user_id" },
  { name: "tenant", description: "shared by every agent and user of the tenant; scope_id = the tenant" },
  { name: "run", description: "one run's scratch space; scope_id = the run id" },
];

/** What the memory service is built from. */
export interface MemoryServiceDeps {
  backend: MemoryBackend;
  /** Null when `memory.embedder` is not configured: kv works, search answers VECTOR_UNSUPPORTED. */
  embedder: Embedder | null;
  /** Looks an agent up to read its `memory_scopes` grant. */
  agents: { get(name: string, tenantId: string): { memory_scopes: readonly MemoryScope[] } };
  logger: Logger;
}

function checkKey(key: string): void {
  if (key === "" || key.length > MAX_MEMORY_KEY_LENGTH) {
    throw new AppError("INVALID_ARGUMENT", `key: must be 1 to ${MAX_MEMORY_KEY_LENGTH} characters`, { details: { field: "key" } });
  }
}

function describe(error: unknown): string {
  return error instanceof Error && error.message !== "" ? error.message : String(error);
}

/** The text an entry is embedded from: `embedText`, else the value (a string as is, anything else as JSON). */
function textToEmbed(request: MemorySetRequest): string {
  if (request.embedText !== undefined && request.embedText.trim() !== "") return request.embedText;
  return typeof request.value === "string" ? request.value : JSON.stringify(request.value);
}

/**
 * Memory for the Memory tool and the /v1/_memory admin API: validation and size caps over the
 * MemoryBackend, embedding through the Embedder. A write asked to embed never fails because
 * embedding failed: it stores the value without a vector and says why in `embed_warning`.
 */
export class MemoryService {
  private readonly deps: MemoryServiceDeps;
  private lastSweep = 0;

  constructor(deps: MemoryServiceDeps) {
    this.deps = deps;
  }

  /** The memory scopes an agent may use (its `memory_scopes`). */
  grantedScopes(agent: string, tenantId: string): readonly MemoryScope[] {
    return this.deps.agents.get(agent, tenantId).memory_scopes;
  }

  async get(ref: MemoryScopeRef, key: string): Promise<MemoryEntry | null> {
    checkKey(key);
    return this.deps.backend.get(ref, key);
  }

  async set(request: MemorySetRequest): Promise<MemorySetResult> {
    checkKey(request.key);
    const json = JSON.stringify(request.value);
    if (json === undefined) throw new AppError("INVALID_ARGUMENT", "value: must be JSON (not undefined)", { details: { field: "value" } });
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_MEMORY_VALUE_BYTES) {
      throw new AppError("MEMORY_VALUE_TOO_LARGE", `value is ${bytes} bytes as JSON; the most one entry holds is ${MAX_MEMORY_VALUE_BYTES}. Split it over several keys.`, {
        details: { field: "value", bytes, limit: MAX_MEMORY_VALUE_BYTES },
      });
    }
    this.sweepSometimes();
    const write = { ref: request.ref, key: request.key, value: request.value, ttlSeconds: request.ttlSeconds };
    if (!request.embed) return { entry: await this.deps.backend.set(write), embedded: false };
    const embedding = await this.tryEmbed(request);
    if (typeof embedding === "string") return { entry: await this.deps.backend.set(write), embedded: false, embed_warning: embedding };
    return { entry: await this.deps.backend.set({ ...write, embedding }), embedded: true };
  }

  async delete(ref: MemoryScopeRef, key: string): Promise<boolean> {
    checkKey(key);
    return this.deps.backend.delete(ref, key);
  }

  list(ref: MemoryScopeRef, options: { prefix: string; limit: number }): Promise<{ entries: MemoryEntry[]; truncated: boolean }> {
    return this.deps.backend.list(ref, options);
  }

  /** Embeds the query and returns the nearest entries; VECTOR_UNSUPPORTED without an embedder or pgvector. */
  async search(request: MemorySearchRequest): Promise<MemorySearchResult> {
    if (request.query.trim() === "") throw new AppError("INVALID_ARGUMENT", "query: must not be empty", { details: { field: "query" } });
    const embedder = await this.vectorEmbedder();
    const [vector] = await embedder.embed([request.query], request.signal);
    if (vector === undefined) throw new AppError("PROVIDER_ERROR", `embedding with ${embedder.provider}/${embedder.model} returned no vector`);
    const embedding = { provider: embedder.provider, model: embedder.model, vector };
    // One more than asked for tells whether more entries were near enough to show.
    const hits = await this.deps.backend.search({ ref: request.ref, embedding, topK: request.topK + 1 });
    return { entries: hits.slice(0, request.topK), query_embedding_dim: vector.length, truncated: hits.length > request.topK };
  }

  scopeIds(tenantId: string, scope: MemoryScope): Promise<MemoryScopeIdSummary[]> {
    return this.deps.backend.scopeIds(tenantId, scope);
  }

  /** The embedder, when both it and the database's vector support are there; else why not. */
  private async vectorEmbedder(): Promise<Embedder> {
    const { embedder } = this.deps;
    if (embedder === null) {
      throw new AppError("VECTOR_UNSUPPORTED", "vector memory needs an embedder: configure memory.embedder {base_url, model, api_key_env} in loomcycle.yaml");
    }
    if (!(await this.deps.backend.vectorSupported())) {
      throw new AppError("VECTOR_UNSUPPORTED", "vector memory needs the pgvector extension, which this database does not have; install it (scripts/ensure-pgvector.sh on Debian) and restart loomcycle");
    }
    return embedder;
  }

  /** The embedding of a write, or the warning that says why there is none. */
  private async tryEmbed(request: MemorySetRequest): Promise<{ provider: string; model: string; vector: number[]; text: string } | string> {
    try {
      const embedder = await this.vectorEmbedder();
      const text = textToEmbed(request);
      const [vector] = await embedder.embed([text], request.signal);
      if (vector === undefined) return `embedding returned no vector; stored without one`;
      return { provider: embedder.provider, model: embedder.model, vector, text };
    } catch (error) {
      if (isAppError(error, "STORE_UNAVAILABLE")) throw error;
      return `not embedded (${describe(error)}); the value was stored without a vector and search will not find it`;
    }
  }

  private sweepSometimes(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    this.deps.backend.sweepExpired().catch((error: unknown) => this.deps.logger.warn({ err: error }, "memory sweep of expired entries failed"));
  }
}
