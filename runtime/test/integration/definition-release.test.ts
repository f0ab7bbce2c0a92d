import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgControlBus } from "../../src/queue/index.ts";
import { AgentCatalog, DefinitionService } from "../../src/service/index.ts";
import { createPostgresStore } from "../../src/store/index.ts";
import type { Store } from "../../src/store/index.ts";
import { isolatedDatabaseUrl } from "../support/test-runtime.ts";

/**
 * What the Kubernetes controller needs of the definition substrate, on Postgres: the finalizer's
 * owner-scoped release, a re-created object taking the name back, drift repair by re-apply, no
 * silent takeover of an API-managed name, Secret-sourced values redacted in views, and the
 * `definitions_changed` notice that makes another process's agent catalog reload at once.
 */
let database: { url: string; dispose: () => Promise<void> };
let store: Store;
const channel = `lc_defs_${Math.random().toString(36).slice(2, 10)}`;

function service(): DefinitionService {
  return new DefinitionService({ store: store.definitions, agents: new AgentCatalog([]) });
}

const OWNER_V1 = "kubernetes:ops/reviewer@uid-1";
const OWNER_V2 = "kubernetes:ops/reviewer@uid-2";

beforeAll(async () => {
  database = await isolatedDatabaseUrl();
  store = await createPostgresStore({ url: database.url });
});

afterAll(async () => {
  await store?.close();
  await database?.dispose();
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("definition release, restore and change notices", () => {
  it("release retires only the owner's versions and frees the name for a re-created object (new uid)", async () => {
    const definitions = service();
    const input = { kind: "agent" as const, tenantId: "ops", name: "reviewer", definition: { provider: "mock", model: "mock-echo" }, source: "kubernetes" as const, ownerRef: OWNER_V1 };
    const first = await definitions.apply(input);
    expect(await definitions.release({ kind: "agent", tenantId: "ops", name: "reviewer", ownerRef: "kubernetes:ops/other@x" })).toBe(0);
    expect(await definitions.active("agent", "ops", "reviewer")).not.toBeNull();
    expect(await definitions.release({ kind: "agent", tenantId: "ops", name: "reviewer", ownerRef: OWNER_V1 })).toBe(1);
    expect(await definitions.active("agent", "ops", "reviewer")).toBeNull();
    expect(await definitions.release({ kind: "agent", tenantId: "ops", name: "reviewer", ownerRef: OWNER_V1 })).toBe(0);
    const back = await definitions.apply({ ...input, ownerRef: OWNER_V2 });
    expect([back.created, back.definition.version, back.definition.owner_ref, back.definition.parent_def_id]).toEqual([true, 2, OWNER_V2, first.definition.def_id]);
    await expect(definitions.apply({ ...input, ownerRef: OWNER_V1 })).rejects.toMatchObject({ code: "DEFINITION_OWNED" });
  });

  it("re-apply restores an owned version retired or moved off behind the controller's back (same version, no new one)", async () => {
    const definitions = service();
    const input = { kind: "skill" as const, tenantId: "ops", name: "steady", definition: { body: "Stay." }, source: "kubernetes" as const, ownerRef: "kubernetes:ops/steady@u" };
    const applied = await definitions.apply(input);
    await store.definitions.setRetired({ tenant_id: "ops", kind: "skill", source: "kubernetes", owner_ref: input.ownerRef, by: "someone" }, { def_id: applied.definition.def_id, retired: true });
    const restored = await definitions.apply(input);
    expect([restored.created, restored.restored, restored.definition.def_id, restored.definition.retired, restored.definition.active]).toEqual([false, true, applied.definition.def_id, false, true]);
    const changed = await definitions.apply({ ...input, definition: { body: "Moved." } });
    await store.definitions.promote({ tenant_id: "ops", kind: "skill", source: "kubernetes", owner_ref: input.ownerRef, by: "someone" }, applied.definition.def_id);
    const repromoted = await definitions.apply({ ...input, definition: { body: "Moved." } });
    expect([repromoted.created, repromoted.restored, repromoted.definition.def_id, repromoted.definition.active]).toEqual([false, true, changed.definition.def_id, true]);
    expect(await store.definitions.listVersions("ops", "skill", "steady")).toHaveLength(2);
  });

  it("refuses a controller taking over a name managed through the API until that version is retired", async () => {
    const definitions = service();
    const created = await definitions.dispatch("skill", { op: "create", name: "handbook", overlay: { body: "API." } }, { tenantId: "ops", subject: "alice" });
    const input = { kind: "skill" as const, tenantId: "ops", name: "handbook", definition: { body: "Git." }, source: "kubernetes" as const, ownerRef: "kubernetes:ops/handbook@u" };
    await expect(definitions.apply(input)).rejects.toMatchObject({ code: "DEFINITION_OWNED", message: expect.stringContaining("managed through the API") });
    await definitions.dispatch("skill", { op: "retire", def_id: String(created["def_id"]) }, { tenantId: "ops", subject: "alice" });
    expect((await definitions.apply(input)).created).toBe(true);
  });

  it("redacts the header and env values of a Kubernetes-owned MCP server in views, keeping the keys", async () => {
    const definitions = service();
    const input = { kind: "mcpserver" as const, tenantId: "ops", name: "search", definition: { transport: "http", url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer secret-value" } }, source: "kubernetes" as const, ownerRef: "kubernetes:ops/search@u" };
    const applied = await definitions.apply(input);
    expect(JSON.stringify(applied.definition)).not.toContain("secret-value");
    const view = await definitions.dispatch("mcpserver", { op: "get", def_id: applied.definition.def_id }, { tenantId: "ops", subject: "alice" });
    expect(view["definition"]).toMatchObject({ headers: { Authorization: "<redacted>" }, env: {} });
    expect((await store.definitions.getActive("ops", "mcpserver", "search"))?.definition["headers"]).toEqual({ Authorization: "Bearer secret-value" });
    const api = await definitions.dispatch("mcpserver", { op: "create", name: "plain", overlay: { transport: "http", url: "https://p.example.com/mcp", headers: { "X-Team": "a" } } }, { tenantId: "ops", subject: "alice" });
    expect(api["definition"]).toMatchObject({ headers: { "X-Team": "a" } });
  });

  it("tells another process's catalog at once (definitions_changed), long before its reload timer", async () => {
    const writerBus = await PgControlBus.connect({ url: database.url, origin: "controller-test", channel });
    const readerBus = await PgControlBus.connect({ url: database.url, origin: "runtime-test", channel });
    const catalog = new AgentCatalog([]);
    await catalog.useDefinitions(() => store.definitions.listActive("agent"), { refreshMs: 600_000 });
    try {
      new DefinitionService({ store: store.definitions, agents: catalog, control: readerBus });
      const writer = new DefinitionService({ store: store.definitions, agents: new AgentCatalog([]), control: writerBus });
      const input = { kind: "agent" as const, tenantId: "notice", name: "fresh", definition: { provider: "mock", model: "mock-echo", system_prompt: "one" }, source: "kubernetes" as const, ownerRef: "kubernetes:notice/fresh@u" };
      expect(() => catalog.get("fresh", "notice")).toThrow(/unknown agent/);
      await writer.apply(input);
      await until(() => catalog.list("notice").some((agent) => agent.name === "fresh"));
      await writer.apply({ ...input, definition: { ...input.definition, system_prompt: "two" } });
      await until(() => catalog.get("fresh", "notice").system_prompt === "two");
      await writer.release({ kind: "agent", tenantId: "notice", name: "fresh", ownerRef: input.ownerRef });
      await until(() => !catalog.list("notice").some((agent) => agent.name === "fresh"));
    } finally {
      catalog.stop();
      await writerBus.close();
      await readerBus.close();
    }
  });

  it("coalesces a burst of notices into a few reloads, ending with every change loaded", async () => {
    const writerBus = await PgControlBus.connect({ url: database.url, origin: "controller-burst", channel });
    const readerBus = await PgControlBus.connect({ url: database.url, origin: "runtime-burst", channel });
    const catalog = new AgentCatalog([]);
    let reloads = 0;
    await catalog.useDefinitions(
      async () => {
        reloads += 1;
        return store.definitions.listActive("agent");
      },
      { refreshMs: 600_000 },
    );
    try {
      new DefinitionService({ store: store.definitions, agents: catalog, control: readerBus });
      const writer = new DefinitionService({ store: store.definitions, agents: new AgentCatalog([]), control: writerBus });
      const names = Array.from({ length: 30 }, (_, index) => `burst-${index}`);
      reloads = 0;
      await Promise.all(names.map((name) => writer.apply({ kind: "agent", tenantId: "burst", name, definition: { provider: "mock", model: "mock-echo" }, source: "kubernetes", ownerRef: `kubernetes:burst/${name}@u` })));
      await until(() => catalog.list("burst").length === names.length);
      expect(reloads).toBeGreaterThan(0);
      expect(reloads).toBeLessThan(names.length);
    } finally {
      catalog.stop();
      await writerBus.close();
      await readerBus.close();
    }
  });
});
