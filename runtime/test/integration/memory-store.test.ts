import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "../../src/domain/index.ts";
import type { MemoryBackend, MemoryScopeRef } from "../../src/domain/index.ts";
import { createPostgresStore } from "../../src/store/index.ts";
import type { Store } from "../../src/store/index.ts";
import { fakeEmbedding } from "../fake-llm/openai-protocol.ts";
import { TEST_DATABASE_URL, isolatedStore } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

const AGENT: MemoryScopeRef = { tenantId: "acme", scope: "agent", scopeId: "researcher" };

function embedding(text: string): { provider: string; model: string; vector: number[]; text: string } {
  return { provider: "fake", model: "bow-64", vector: fakeEmbedding(text), text };
}

describe.each<StoreKind>(["pglite", "postgres"])("memory store (%s)", (kind) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let memory: MemoryBackend;
  beforeAll(async () => {
    ({ store, dispose } = await isolatedStore(kind));
    memory = store.memory;
  });
  afterAll(async () => {
    await store?.close();
    await dispose?.();
  });

  it("sets, gets, overwrites and deletes an entry, keeping created_at across overwrites", async () => {
    const first = await memory.set({ ref: AGENT, key: "prefs/theme", value: { mode: "dark", sizes: [1, 2] }, ttlSeconds: null });
    expect(first).toMatchObject({ key: "prefs/theme", value: { mode: "dark", sizes: [1, 2] }, expires_at: null });
    expect(await memory.get(AGENT, "prefs/theme")).toEqual(first);

    const second = await memory.set({ ref: AGENT, key: "prefs/theme", value: "light", ttlSeconds: null });
    expect(second.value).toBe("light");
    expect(second.created_at).toBe(first.created_at);
    expect(Date.parse(second.updated_at)).toBeGreaterThanOrEqual(Date.parse(first.updated_at));

    expect(await memory.delete(AGENT, "prefs/theme")).toBe(true);
    expect(await memory.get(AGENT, "prefs/theme")).toBeNull();
    expect(await memory.delete(AGENT, "prefs/theme")).toBe(false);
  });

  it("keeps tenants, scopes and scope ids apart", async () => {
    await memory.set({ ref: AGENT, key: "shared-name", value: 1, ttlSeconds: null });
    await memory.set({ ref: { ...AGENT, tenantId: "other" }, key: "shared-name", value: 2, ttlSeconds: null });
    await memory.set({ ref: { ...AGENT, scope: "user", scopeId: "researcher" }, key: "shared-name", value: 3, ttlSeconds: null });
    await memory.set({ ref: { ...AGENT, scopeId: "writer" }, key: "shared-name", value: 4, ttlSeconds: null });
    expect((await memory.get(AGENT, "shared-name"))?.value).toBe(1);
    expect((await memory.get({ ...AGENT, tenantId: "other" }, "shared-name"))?.value).toBe(2);
    expect((await memory.get({ ...AGENT, scope: "user", scopeId: "researcher" }, "shared-name"))?.value).toBe(3);
    expect((await memory.get({ ...AGENT, scopeId: "writer" }, "shared-name"))?.value).toBe(4);
    expect((await memory.scopeIds("acme", "agent")).map((row) => row.scope_id)).toEqual(expect.arrayContaining(["researcher", "writer"]));
    expect((await memory.scopeIds("other", "agent")).map((row) => row.scope_id)).toEqual(["researcher"]);
  });

  it("lists by prefix in key order, with a limit that reports truncation", async () => {
    const ref = { ...AGENT, scopeId: "lister" };
    for (const key of ["notes/b", "notes/a", "notes/c", "todo/x", "notes_other"]) await memory.set({ ref, key, value: key, ttlSeconds: null });
    const page = await memory.list(ref, { prefix: "notes/", limit: 2 });
    expect(page).toMatchObject({ truncated: true, entries: [{ key: "notes/a" }, { key: "notes/b" }] });
    expect(await memory.list(ref, { prefix: "notes/", limit: 3 })).toMatchObject({ truncated: false });
    expect((await memory.list(ref, { prefix: "", limit: 10 })).entries.map((entry) => entry.key)).toEqual(["notes/a", "notes/b", "notes/c", "notes_other", "todo/x"]);
    // `_` and `%` in a prefix are literal characters, not patterns.
    expect((await memory.list(ref, { prefix: "notes_", limit: 10 })).entries.map((entry) => entry.key)).toEqual(["notes_other"]);
    const [summary] = await memory.scopeIds("acme", "agent").then((rows) => rows.filter((row) => row.scope_id === "lister"));
    expect(summary).toMatchObject({ scope_id: "lister", key_count: 5 });
    expect(summary?.bytes).toBeGreaterThan(0);
  });

  it("hides an entry once its TTL passes, and the sweep deletes it", async () => {
    const ref = { ...AGENT, scopeId: "ttl" };
    const entry = await memory.set({ ref, key: "short", value: "soon gone", ttlSeconds: 1 });
    await memory.set({ ref, key: "long", value: "stays", ttlSeconds: 3600 });
    expect(Date.parse(entry.expires_at ?? "") - Date.parse(entry.created_at)).toBeGreaterThan(900);
    expect((await memory.get(ref, "short"))?.value).toBe("soon gone");
    await sleep(1_200);
    expect(await memory.get(ref, "short")).toBeNull();
    expect((await memory.list(ref, { prefix: "", limit: 10 })).entries.map((row) => row.key)).toEqual(["long"]);
    expect(await memory.delete(ref, "short")).toBe(false);
    await memory.set({ ref, key: "short2", value: "x", ttlSeconds: 1 });
    await sleep(1_200);
    expect(await memory.sweepExpired()).toBeGreaterThanOrEqual(1);
    expect((await memory.scopeIds("acme", "agent")).find((row) => row.scope_id === "ttl")?.key_count).toBe(1);
  });

  it("finds the nearest entries first, with cosine scores, comparing only the query's model and dimension", async () => {
    expect(await memory.vectorSupported()).toBe(true);
    const ref = { ...AGENT, scopeId: "vectors" };
    const texts: Record<string, string> = {
      cats: "cats purr and sleep on the warm sofa",
      dogs: "dogs bark and fetch the ball in the park",
      stocks: "stock markets fell as interest rates rose",
      kittens: "small kittens purr when they sleep",
    };
    for (const [key, text] of Object.entries(texts)) await memory.set({ ref, key, value: text, ttlSeconds: null, embedding: embedding(text) });
    await memory.set({ ref, key: "other-model", value: "cats purr", ttlSeconds: null, embedding: { ...embedding("cats purr"), model: "another" } });
    await memory.set({ ref, key: "other-dim", value: "cats purr", ttlSeconds: null, embedding: { ...embedding("cats purr"), vector: fakeEmbedding("cats purr", 32) } });
    await memory.set({ ref: { ...ref, scopeId: "elsewhere" }, key: "far", value: "cats purr sleep", ttlSeconds: null, embedding: embedding("cats purr sleep") });

    const query = { provider: "fake", model: "bow-64", vector: fakeEmbedding("cats purr sleep") };
    const hits = await memory.search({ ref, embedding: query, topK: 3 });
    expect(hits.map((hit) => hit.key)).toEqual(["cats", "kittens", "dogs"]);
    expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score ?? 1);
    expect(hits[1]?.score).toBeGreaterThan(hits[2]?.score ?? 1);
    expect(hits[0]?.score).toBeLessThanOrEqual(1);
    expect(hits[0]).toMatchObject({ scope_id: "vectors", value: texts["cats"], embedded_with: { provider: "fake", model: "bow-64" } });

    const everywhere = await memory.search({ ref: { ...ref, scopeId: null }, embedding: query, topK: 10 });
    expect(everywhere.map((hit) => hit.key)).toContain("far");
    expect(everywhere.map((hit) => hit.key)).not.toContain("other-model");
    expect(everywhere.map((hit) => hit.key)).not.toContain("other-dim");
  });

  it("drops an entry's embedding when it is overwritten without one, and with the entry when deleted", async () => {
    const ref = { ...AGENT, scopeId: "stale" };
    await memory.set({ ref, key: "fact", value: "the sky is blue", ttlSeconds: null, embedding: embedding("the sky is blue") });
    const query = { provider: "fake", model: "bow-64", vector: fakeEmbedding("sky blue") };
    expect((await memory.search({ ref, embedding: query, topK: 5 })).map((hit) => hit.key)).toEqual(["fact"]);
    await memory.set({ ref, key: "fact", value: "changed", ttlSeconds: null });
    expect(await memory.search({ ref, embedding: query, topK: 5 })).toEqual([]);
    await memory.set({ ref, key: "fact", value: "the sky is blue", ttlSeconds: null, embedding: embedding("the sky is blue") });
    await memory.delete(ref, "fact");
    expect(await memory.search({ ref, embedding: query, topK: 5 })).toEqual([]);
  });

  it("refuses an empty or non-finite embedding instead of storing it", async () => {
    const error = await memory
      .set({ ref: AGENT, key: "bad", value: 1, ttlSeconds: null, embedding: { ...embedding("x"), vector: [Number.NaN] } })
      .catch((caught: unknown) => caught);
    expect(isAppError(error, "INVALID_ARGUMENT")).toBe(true);
    expect(await memory.get(AGENT, "bad")).toBeNull();
  });
});

describe("memory store on a Postgres database where pgvector cannot be installed", () => {
  const name = `lc_novec_${Math.random().toString(36).slice(2, 10)}`;
  let store: Store;
  async function admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(sql);
    await client.end();
  }
  beforeAll(async () => {
    // A role that owns its database but may not create the (untrusted) vector extension.
    await admin(`create role ${name} login nosuperuser`);
    await admin(`create database ${name} owner ${name}`);
    const url = new URL(TEST_DATABASE_URL);
    url.username = name;
    url.pathname = `/${name}`;
    store = await createPostgresStore({ url: url.toString() });
  });
  afterAll(async () => {
    await store?.close();
    await admin(`drop database if exists ${name} with (force)`);
    await admin(`drop role if exists ${name}`);
  });

  it("keeps key-value memory working and answers search with VECTOR_UNSUPPORTED naming the fix", async () => {
    const memory = store.memory;
    await memory.set({ ref: AGENT, key: "k", value: "still works", ttlSeconds: null });
    expect((await memory.get(AGENT, "k"))?.value).toBe("still works");
    expect(await memory.vectorSupported()).toBe(false);
    const error = await memory.search({ ref: AGENT, embedding: { provider: "fake", model: "bow-64", vector: [1, 0] }, topK: 1 }).catch((caught: unknown) => caught);
    expect(isAppError(error, "VECTOR_UNSUPPORTED")).toBe(true);
    expect((error as Error).message).toContain("scripts/ensure-pgvector.sh");
  });
});
