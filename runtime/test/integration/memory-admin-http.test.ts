import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm } from "../fake-llm/index.ts";
import { fetchJson, readJson } from "../support/sse-client.ts";
import { startTestRuntime, testConfig } from "../support/test-runtime.ts";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function send(url: string, method: string, body?: unknown): Promise<Response> {
  return fetch(url, { method, ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });
}

describe("memory admin API (/v1/_memory)", () => {
  let fake: FakeLlm;
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let base: string;
  beforeAll(async () => {
    fake = await startFakeLlm();
    runtime = await startTestRuntime("pglite", {
      // Above the 1 MiB value cap, so the cap (not the body limit) answers an oversized value.
      limits: { ...testConfig().limits, maxRequestBytes: 4 * 1024 * 1024 },
      memory: { embedder: { provider: "fake", baseUrl: fake.baseUrl("openai"), model: "bow-64", apiKeyEnv: null, dimensions: null } },
    });
    base = `${runtime.url}/v1/_memory`;
  });
  afterAll(async () => {
    await runtime?.dispose();
    await fake?.close();
  });

  it("lists the scopes with what their scope id is", async () => {
    const { scopes } = await fetchJson(`${base}/scopes`);
    expect(scopes.map((scope: { name: string }) => scope.name)).toEqual(["agent", "user", "tenant", "run"]);
    expect(scopes[1].description).toContain("user_id");
  });

  it("puts, reads, lists, summarizes and deletes entries whose keys contain slashes", async () => {
    const put = await send(`${base}/scopes/user/ada/keys/prefs/theme`, "PUT", { value: { mode: "dark" }, ttl_seconds: 3600 });
    expect(put.status).toBe(200);
    const written = await readJson(put);
    expect(written).toMatchObject({ scope: "user", scope_id: "ada", key: "prefs/theme", embedded: false });
    expect(written.expires_at).toMatch(ISO);
    await send(`${base}/scopes/user/ada/keys/prefs/lang`, "PUT", { value: "en" });
    await send(`${base}/scopes/user/ada/keys/history`, "PUT", { value: [1, 2] });

    const got = await fetchJson(`${base}/scopes/user/ada/keys/prefs/theme`);
    expect(got).toEqual({
      scope: "user",
      scope_id: "ada",
      entry: { key: "prefs/theme", value: { mode: "dark" }, expires_at: written.expires_at, created_at: expect.stringMatching(ISO), updated_at: expect.stringMatching(ISO) },
    });
    const page = await fetchJson(`${base}/scopes/user/ada/keys?prefix=prefs/&limit=1`);
    expect(page).toMatchObject({ scope: "user", scope_id: "ada", truncated: true, entries: [{ key: "prefs/lang", value: "en", expires_at: null }] });
    expect((await fetchJson(`${base}/scopes/user/ada/keys`)).entries).toHaveLength(3);

    const summary = await fetchJson(`${base}/scopes/user`);
    expect(summary).toEqual({ scope: "user", scope_ids: [{ scope_id: "ada", key_count: 3, bytes: expect.any(Number), updated_at: expect.stringMatching(ISO) }] });
    expect((await fetchJson(`${base}/scopes/user?tenant=other`)).scope_ids).toEqual([]);

    expect((await send(`${base}/scopes/user/ada/keys/prefs/theme`, "DELETE")).status).toBe(204);
    const missing = await fetch(`${base}/scopes/user/ada/keys/prefs/theme`);
    expect(missing.status).toBe(404);
    expect(await readJson(missing)).toEqual({ code: "not_found", error: 'no memory entry "prefs/theme" in user/ada' });
  });

  it("embeds on PUT and searches by meaning, nearest first, in loomcycle's shape", async () => {
    const facts = { cats: "cats purr and sleep on the warm sofa", kittens: "small kittens purr when they sleep", stocks: "stock markets fell as interest rates rose" };
    for (const [key, text] of Object.entries(facts)) {
      const put = await send(`${base}/scopes/agent/librarian/keys/${key}?embed=true`, "PUT", { value: text });
      expect(await readJson(put)).toMatchObject({ key, embedded: true });
    }
    const search = await send(`${base}/search`, "POST", { query: "cats purr sleep", scope: "agent", scope_id: "librarian", top_k: 2 });
    expect(search.status).toBe(200);
    const body = await readJson(search);
    expect(body).toMatchObject({ scope: "agent", scope_id: "librarian", query_embedding_dim: 64, truncated: true });
    expect(body.entries.map((entry: { key: string }) => entry.key)).toEqual(["cats", "kittens"]);
    expect(body.entries[0]).toMatchObject({ value: facts.cats, embedded_with: { provider: "fake", model: "bow-64" }, kind: "fact" });
    expect(body.entries[0].score).toBeGreaterThan(body.entries[1].score);
    expect(body.entries[0].rank_score).toBe(body.entries[0].score);
  });

  it("stores the value and warns when embedding fails", async () => {
    const broken = await startTestRuntime("postgres", {
      memory: { embedder: { provider: "fake", baseUrl: `${fake.url}/nowhere/v1`, model: "bow-64", apiKeyEnv: null, dimensions: null } },
    });
    try {
      const put = await send(`${broken.url}/v1/_memory/scopes/agent/a/keys/k`, "PUT", { value: "text", embed: true });
      expect(put.status).toBe(200);
      const body = await readJson(put);
      expect(body).toMatchObject({ key: "k", embedded: false });
      expect(body.embed_warning).toMatch(/^not embedded \(embedding with fake\/bow-64 failed: 404/);
      expect((await fetchJson(`${broken.url}/v1/_memory/scopes/agent/a/keys/k`)).entry.value).toBe("text");
    } finally {
      await broken.dispose();
    }
  });

  it("answers search with 501 vector_unsupported when no embedder is configured", async () => {
    const plain = await startTestRuntime("postgres");
    try {
      const response = await send(`${plain.url}/v1/_memory/search`, "POST", { query: "x", scope: "agent" });
      expect(response.status).toBe(501);
      const body = await readJson(response);
      expect(body.code).toBe("vector_unsupported");
      expect(body.error).toContain("memory.embedder");
    } finally {
      await plain.dispose();
    }
  });

  it("answers bad input with a 400 naming the field", async () => {
    const cases: [string, string, unknown, string][] = [
      [`${base}/scopes/galaxy`, "GET", undefined, "scope"],
      [`${base}/scopes/agent/a/keys?limit=0`, "GET", undefined, "limit"],
      [`${base}/scopes/agent/a/keys?limit=1001`, "GET", undefined, "limit"],
      [`${base}/scopes/agent/a/keys/k`, "PUT", {}, "value"],
      [`${base}/scopes/agent/a/keys/k`, "PUT", { value: 1, ttl_seconds: 0 }, "ttl_seconds"],
      [`${base}/scopes/agent/a/keys/k`, "PUT", { value: 1, embed: "yes" }, "embed"],
      [`${base}/scopes/agent/a/keys/k?embed=maybe`, "PUT", { value: 1 }, "embed"],
      [`${base}/scopes/agent/a/keys/k`, "PUT", { value: 1, scope_id: "b" }, "scope_id"],
      [`${base}/scopes/agent/a/keys/`, "PUT", { value: 1 }, "key"],
      [`${base}/search`, "POST", { scope: "agent" }, "query"],
      [`${base}/search`, "POST", { query: "x" }, "scope"],
      [`${base}/search`, "POST", { query: "x", scope: "agent", top_k: 51 }, "top_k"],
    ];
    for (const [url, method, body, field] of cases) {
      const response = await send(url, method, body);
      expect(response.status, `${method} ${url} ${JSON.stringify(body)}`).toBe(400);
      const error = await readJson(response);
      expect(error.code).toBe("invalid_argument");
      expect(error.error.startsWith(`${field}:`), `${method} ${url}: ${error.error}`).toBe(true);
    }
  });

  it("refuses a value over 1 MiB with 413 memory_value_too_large", async () => {
    const response = await send(`${base}/scopes/agent/a/keys/big`, "PUT", { value: "x".repeat(1024 * 1024) });
    expect(response.status).toBe(413);
    expect((await readJson(response)).code).toBe("memory_value_too_large");
  });
});
