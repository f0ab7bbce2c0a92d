import type {
  MemoryEntry,
  MemoryScope,
  MemoryScopeRef,
  MemorySearchRequest,
  MemorySearchResult,
  MemorySetRequest,
  MemorySetResult,
} from "../../../domain/index.ts";

/**
 * What the Memory tool needs from the application (the service's MemoryService satisfies it).
 * Methods throw an AppError whose message says what was wrong; the tool turns it into a tool error.
 */
export interface MemoryPort {
  /** The agent's `memory_scopes`; throws UNKNOWN_AGENT for an agent the runtime does not know. */
  grantedScopes(agent: string, tenantId: string): readonly MemoryScope[];
  get(ref: MemoryScopeRef, key: string): Promise<MemoryEntry | null>;
  set(request: MemorySetRequest): Promise<MemorySetResult>;
  delete(ref: MemoryScopeRef, key: string): Promise<boolean>;
  list(ref: MemoryScopeRef, options: { prefix: string; limit: number }): Promise<{ entries: MemoryEntry[]; truncated: boolean }>;
  search(request: MemorySearchRequest): Promise<MemorySearchResult>;
}
