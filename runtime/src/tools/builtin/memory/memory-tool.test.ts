import { describe, expect, it } from "vitest";
import { AppError } from "../../../domain/index.ts";
import type { MemoryEntry, MemoryScope, MemoryScopeRef, MemorySetRequest } from "../../../domain/index.ts";
import { toolContext } from "../../../../test/support/tool-context.ts";
import { createMemoryTool } from "./memory-tool.ts";
import type { MemoryPort } from "./memory-port.ts";

/** An in-memory port recording the refs it was called with; `grants` plays the agent's memory_scopes. */
function fakePort(grants: readonly MemoryScope[]): MemoryPort & { refs: MemoryScopeRef[]; sets: MemorySetRequest[] } {
  const rows = new Map<string, MemoryEntry>();
  const refs: MemoryScopeRef[] = [];
  const sets: MemorySetRequest[] = [];
  const id = (ref: MemoryScopeRef, key: string): string => JSON.stringify([ref.tenantId, ref.scope, ref.scopeId, key]);
  const now = "2026-01-01T00:00:00.000Z";
  return {
    refs,
    sets,
    grantedScopes: () => grants,
    get: async (ref, key) => (refs.push(ref), rows.get(id(ref, key)) ?? null),
    set: async (request) => {
      refs.push(request.ref);
      sets.push(request);
      const entry = { key: request.key, value: request.value, expires_at: null, created_at: now, updated_at: now };
      rows.set(id(request.ref, request.key), entry);
      return request.embed ? { entry, embedded: false, embed_warning: "not embedded (no embedder)" } : { entry, embedded: false };
    },
    delete: async (ref, key) => (refs.push(ref), rows.delete(id(ref, key))),
    list: async (ref) => (refs.push(ref), { entries: [...rows.values()], truncated: false }),
    search: async () => {
      throw new AppError("VECTOR_UNSUPPORTED", "vector memory needs an embedder: configure memory.embedder");
    },
  };
}

const run = toolContext({ runId: "run_1", tenantId: "acme", agent: "researcher", userId: "u-42" });

describe("Memory tool", () => {
  it("stores and reads back a value, with the scope id taken from the run", async () => {
    const port = fakePort(["agent", "user", "tenant", "run"]);
    const tool = createMemoryTool(port);
    const set = await tool.execute({ op: "set", scope: "user", key: "prefs/theme", value: { mode: "dark" }, ttl: 60 }, run);
    expect(set.is_error).toBe(false);
    expect(JSON.parse(set.text)).toEqual({ scope: "user", key: "prefs/theme", stored: true, embedded: false, expires_at: null });
    expect(port.sets[0]).toMatchObject({ ttlSeconds: 60, embed: false });

    const got = await tool.execute({ op: "get", scope: "user", key: "prefs/theme" }, run);
    expect(JSON.parse(got.text)).toMatchObject({ scope: "user", found: true, key: "prefs/theme", value: { mode: "dark" } });
    const missing = await tool.execute({ op: "get", scope: "user", key: "nope" }, run);
    expect(JSON.parse(missing.text)).toEqual({ scope: "user", key: "nope", found: false });

    for (const scope of ["agent", "tenant", "run"]) await tool.execute({ op: "get", scope, key: "k" }, run);
    expect(port.refs.map((ref) => `${ref.tenantId}/${ref.scope}/${ref.scopeId}`)).toEqual([
      "acme/user/u-42",
      "acme/user/u-42",
      "acme/user/u-42",
      "acme/agent/researcher",
      "acme/tenant/acme",
      "acme/run/run_1",
    ]);
  });

  it("lists and deletes", async () => {
    const tool = createMemoryTool(fakePort(["agent"]));
    await tool.execute({ op: "set", scope: "agent", key: "a", value: 1 }, run);
    expect(JSON.parse((await tool.execute({ op: "list", scope: "agent", prefix: "a" }, run)).text)).toMatchObject({ entries: [{ key: "a", value: 1 }], truncated: false });
    expect(JSON.parse((await tool.execute({ op: "delete", scope: "agent", key: "a" }, run)).text)).toEqual({ scope: "agent", key: "a", deleted: true });
    expect(JSON.parse((await tool.execute({ op: "delete", scope: "agent", key: "a" }, run)).text)).toEqual({ scope: "agent", key: "a", deleted: false });
  });

  it("passes embed and embed_text through and reports the embedding warning without failing", async () => {
    const port = fakePort(["agent"]);
    const result = await createMemoryTool(port).execute({ op: "set", scope: "agent", key: "fact", value: { x: 1 }, embed: true, embed_text: "x is one" }, run);
    expect(result.is_error).toBe(false);
    expect(JSON.parse(result.text)).toMatchObject({ stored: true, embedded: false, embed_warning: "not embedded (no embedder)" });
    expect(port.sets[0]).toMatchObject({ embed: true, embedText: "x is one" });
  });

  it("refuses a scope the agent was not granted, naming its grants and how to add one", async () => {
    const refused = await createMemoryTool(fakePort(["agent"])).execute({ op: "get", scope: "tenant", key: "k" }, run);
    expect(refused).toEqual({
      is_error: true,
      text: 'Memory: scope "tenant" is not granted to agent "researcher" (memory_scopes: [agent]); an operator grants it by adding "tenant" to the agent\'s memory_scopes',
    });
    const none = await createMemoryTool(fakePort([])).execute({ op: "set", scope: "agent", key: "k", value: 1 }, run);
    expect(none.is_error).toBe(true);
    expect(none.text).toContain("(memory_scopes is empty)");
  });

  it("refuses the user scope on a run without a user", async () => {
    const port = fakePort(["user"]);
    const refused = await createMemoryTool(port).execute({ op: "get", scope: "user", key: "k" }, { ...run, userId: null });
    expect(refused).toEqual({ is_error: true, text: 'Memory: scope "user" needs a user, and this run has none; start the run with a user_id, or use another scope' });
    expect(port.refs).toEqual([]);
  });

  it("refuses bad input with the field and what is expected", async () => {
    const tool = createMemoryTool(fakePort(["agent"]));
    const cases: [Record<string, unknown>, string][] = [
      [{ op: "incr", scope: "agent", key: "k" }, 'Memory: unknown op "incr"; supported: get, set, delete, list, search'],
      [{ scope: "agent" }, "Memory: unknown op undefined; supported: get, set, delete, list, search"],
      [{ op: "get", scope: "agent" }, "Memory: key: required for op=get: the entry's key"],
      [{ op: "set", scope: "agent", key: "k" }, "Memory: value: required for op=set: the JSON value to store"],
      [{ op: "get", scope: "galaxy", key: "k" }, "Memory: scope: must be one of agent, user, tenant, run"],
      [{ op: "set", scope: "agent", key: "k", value: 1, ttl: 0 }, "Memory: ttl: must be at least 1 second; omit it to keep the entry forever"],
      [{ op: "search", scope: "agent" }, "Memory: query: required for op=search: the text to find similar entries to"],
      [{ op: "search", scope: "agent", query: "q", top_k: 51 }, "Memory: top_k: at most 50"],
    ];
    for (const [input, text] of cases) {
      const result = await tool.execute(input, run);
      expect(result.is_error, JSON.stringify(input)).toBe(true);
      expect(result.text, JSON.stringify(input)).toBe(text);
    }
    const scopeId = await tool.execute({ op: "get", scope: "agent", key: "k", scope_id: "someone-else" }, run);
    expect(scopeId.is_error).toBe(true);
    expect(scopeId.text).toContain("scope_id");
  });

  it("reports a service failure with its code and reason", async () => {
    const result = await createMemoryTool(fakePort(["agent"])).execute({ op: "search", scope: "agent", query: "cats" }, run);
    expect(result).toEqual({ is_error: true, text: "Memory: op=search failed (vector_unsupported): vector memory needs an embedder: configure memory.embedder" });
  });
});
