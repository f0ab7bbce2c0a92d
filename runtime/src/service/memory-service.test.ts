import { describe, expect, it } from "vitest";
import { MAX_MEMORY_VALUE_BYTES, isAppError, silentLogger } from "../domain/index.ts";
import type { Embedder, MemoryBackend, MemoryWrite } from "../domain/index.ts";
import { MemoryService } from "./memory-service.ts";

const REF = { tenantId: "t", scope: "agent" as const, scopeId: "a" };

/** A backend double recording writes; `vector` says whether the database has pgvector. */
function backend(vector: boolean): MemoryBackend & { writes: MemoryWrite[] } {
  const writes: MemoryWrite[] = [];
  const entry = { key: "k", value: null, expires_at: null, created_at: "", updated_at: "" };
  return {
    writes,
    get: async () => null,
    set: async (write) => (writes.push(write), { ...entry, key: write.key, value: write.value }),
    delete: async () => false,
    list: async () => ({ entries: [], truncated: false }),
    search: async () => [],
    scopeIds: async () => [],
    vectorSupported: async () => vector,
    sweepExpired: async () => 0,
  };
}

function embedder(embed: Embedder["embed"]): Embedder {
  return { provider: "p", model: "m", embed };
}

function service(options: { vector?: boolean; embedder?: Embedder | null } = {}): { memory: MemoryService; writes: MemoryWrite[] } {
  const store = backend(options.vector ?? true);
  const agents = { get: () => ({ memory_scopes: ["agent" as const] }) };
  return { memory: new MemoryService({ backend: store, embedder: options.embedder ?? null, agents, logger: silentLogger }), writes: store.writes };
}

describe("MemoryService", () => {
  it("embeds a write from embed_text, else from the value (strings as is, anything else as JSON)", async () => {
    const seen: string[] = [];
    const { memory, writes } = service({ embedder: embedder(async (texts) => (seen.push(...texts), texts.map(() => [1, 0]))) });
    expect(await memory.set({ ref: REF, key: "a", value: { x: 1 }, ttlSeconds: null, embed: true })).toMatchObject({ embedded: true });
    await memory.set({ ref: REF, key: "b", value: "plain", ttlSeconds: null, embed: true });
    await memory.set({ ref: REF, key: "c", value: 1, ttlSeconds: null, embed: true, embedText: "one" });
    expect(seen).toEqual(['{"x":1}', "plain", "one"]);
    expect(writes[0]?.embedding).toEqual({ provider: "p", model: "m", vector: [1, 0], text: '{"x":1}' });
  });

  it("stores the value and warns, never fails, when embedding fails or is impossible", async () => {
    const failing = service({ embedder: embedder(async () => Promise.reject(new Error("connection refused"))) });
    const result = await failing.memory.set({ ref: REF, key: "a", value: "v", ttlSeconds: null, embed: true });
    expect(result).toMatchObject({ embedded: false, embed_warning: expect.stringContaining("connection refused") });
    expect(failing.writes).toHaveLength(1);
    expect(failing.writes[0]?.embedding).toBeUndefined();

    const none = await service().memory.set({ ref: REF, key: "a", value: "v", ttlSeconds: null, embed: true });
    expect(none.embed_warning).toContain("configure memory.embedder");
    const noVector = await service({ vector: false, embedder: embedder(async () => [[1]]) }).memory.set({ ref: REF, key: "a", value: "v", ttlSeconds: null, embed: true });
    expect(noVector.embed_warning).toContain("pgvector");
  });

  it("answers search with VECTOR_UNSUPPORTED saying what is missing", async () => {
    const noEmbedder = await service().memory.search({ ref: REF, query: "q", topK: 3 }).catch((error: unknown) => error);
    expect(isAppError(noEmbedder, "VECTOR_UNSUPPORTED")).toBe(true);
    expect((noEmbedder as Error).message).toContain("memory.embedder");
    const noVector = await service({ vector: false, embedder: embedder(async () => [[1]]) }).memory.search({ ref: REF, query: "q", topK: 3 }).catch((error: unknown) => error);
    expect(isAppError(noVector, "VECTOR_UNSUPPORTED")).toBe(true);
    expect((noVector as Error).message).toContain("scripts/ensure-pgvector.sh");
  });

  it("refuses values over the cap and empty keys", async () => {
    const { memory, writes } = service();
    const big = await memory.set({ ref: REF, key: "a", value: "x".repeat(MAX_MEMORY_VALUE_BYTES), ttlSeconds: null, embed: false }).catch((error: unknown) => error);
    expect(isAppError(big, "MEMORY_VALUE_TOO_LARGE")).toBe(true);
    expect((big as Error).message).toContain("Split it over several keys");
    const empty = await memory.get(REF, "").catch((error: unknown) => error);
    expect(isAppError(empty, "INVALID_ARGUMENT")).toBe(true);
    expect(writes).toEqual([]);
  });
});
