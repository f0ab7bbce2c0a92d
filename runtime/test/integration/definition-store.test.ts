import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError, newId } from "../../src/domain/index.ts";
import type { AppError } from "../../src/domain/index.ts";
import type { NewDefinitionVersion, Store } from "../../src/store/index.ts";
import { AgentCatalog, DefinitionService } from "../../src/service/index.ts";
import { isolatedStore } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

const OWNER = "kubernetes:team-a/reviewer@0d5c";

function version(fields: Partial<NewDefinitionVersion> & { name: string }): NewDefinitionVersion {
  return {
    def_id: newId("def"),
    tenant_id: "acme",
    kind: "agent",
    source: "api",
    owner_ref: null,
    by: "alice",
    definition: { name: fields.name, system_prompt: "v" },
    content_sha256: "sha-1",
    parent_def_id: null,
    bootstrapped_from_static: false,
    created_by_agent_id: null,
    created_by_run_id: null,
    must_be_new: false,
    promote: true,
    ...fields,
  };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe.each<StoreKind>(["pglite", "postgres"])("definition store (%s)", (kind) => {
  let store: Store;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ store, dispose } = await isolatedStore(kind));
  });
  afterAll(async () => {
    await store.close();
    await dispose();
  });

  it("numbers versions per name, keeps lineage and moves the active pointer only when asked", async () => {
    const v1 = await store.definitions.insertVersion(version({ name: "writer", must_be_new: true }));
    const v2 = await store.definitions.insertVersion(version({ name: "writer", parent_def_id: v1.def_id, promote: false, content_sha256: "sha-2" }));
    expect([v1.version, v1.active, v2.version, v2.active, v2.parent_def_id, v2.created_by]).toEqual([1, true, 2, false, v1.def_id, "alice"]);
    expect((await store.definitions.listVersions("acme", "agent", "writer")).map((row) => row.version)).toEqual([2, 1]);
    expect((await store.definitions.getActive("acme", "agent", "writer"))?.def_id).toBe(v1.def_id);
    await store.definitions.promote({ tenant_id: "acme", kind: "agent", source: "api", owner_ref: null, by: "bob" }, v2.def_id);
    expect((await store.definitions.getActive("acme", "agent", "writer"))?.def_id).toBe(v2.def_id);
    expect(await store.definitions.listNames("acme", "agent")).toContainEqual(
      expect.objectContaining({ name: "writer", versions: 2, latest_version: 2, active_def_id: v2.def_id, active_version: 2, active_retired: false, source: "api" }),
    );
  });

  it("numbers concurrent writes to one name gaplessly (the name's lock serializes them)", async () => {
    const writes = Array.from({ length: 6 }, () => store.definitions.insertVersion(version({ name: "busy" })));
    const versions = (await Promise.all(writes)).map((row) => row.version).sort();
    expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("refuses a second v1 of a name with DEFINITION_EXISTS", async () => {
    await store.definitions.insertVersion(version({ name: "dup", must_be_new: true }));
    const error = await refusal(store.definitions.insertVersion(version({ name: "dup", must_be_new: true })));
    expect([error.code, error.message]).toEqual(["DEFINITION_EXISTS", 'agent definition "dup" already exists (versions 1-1); use op=fork to add a version']);
  });

  it("hides another tenant's definitions and kinds", async () => {
    const mine = await store.definitions.insertVersion(version({ name: "private" }));
    expect(await store.definitions.get("other", "agent", mine.def_id)).toBeNull();
    expect(await store.definitions.get("acme", "skill", mine.def_id)).toBeNull();
    expect(await store.definitions.listVersions("other", "agent", "private")).toEqual([]);
    expect(await store.definitions.promote({ tenant_id: "other", kind: "agent", source: "api", owner_ref: null, by: "eve" }, mine.def_id)).toBeNull();
    expect(await store.definitions.setRetired({ tenant_id: "other", kind: "agent", source: "api", owner_ref: null, by: "eve" }, { def_id: mine.def_id, retired: true })).toBeNull();
    expect((await store.definitions.get("acme", "agent", mine.def_id))?.retired).toBe(false);
  });

  it("drops a retired active version from resolution", async () => {
    const live = await store.definitions.insertVersion(version({ name: "retiring" }));
    expect((await store.definitions.listActive("agent")).map((row) => row.def_id)).toContain(live.def_id);
    await store.definitions.setRetired({ tenant_id: "acme", kind: "agent", source: "api", owner_ref: null, by: "alice" }, { def_id: live.def_id, retired: true });
    expect((await store.definitions.listActive("agent")).map((row) => row.def_id)).not.toContain(live.def_id);
  });

  it("applies kubernetes writes idempotently by content hash", async () => {
    const apply = { def_id: newId("def"), tenant_id: "acme", kind: "agent" as const, name: "reviewer", source: "kubernetes" as const, owner_ref: OWNER, by: "controller" };
    const first = await store.definitions.apply({ ...apply, definition: { name: "reviewer" }, content_sha256: "k1", created_by_agent_id: null, created_by_run_id: null });
    const again = await store.definitions.apply({ ...apply, def_id: newId("def"), definition: { name: "reviewer" }, content_sha256: "k1", created_by_agent_id: null, created_by_run_id: null });
    const changed = await store.definitions.apply({ ...apply, def_id: newId("def"), definition: { name: "reviewer", description: "x" }, content_sha256: "k2", created_by_agent_id: null, created_by_run_id: null });
    expect([first.created, again.created, again.record.def_id, changed.created, changed.record.version, changed.record.parent_def_id, changed.record.active]).toEqual([
      true,
      false,
      first.record.def_id,
      true,
      2,
      first.record.def_id,
      true,
    ]);
  });

  it("refuses api writes, promotes and retires on a kubernetes-owned name, naming the owner", async () => {
    const owned = await store.definitions.apply({
      def_id: newId("def"),
      tenant_id: "acme",
      kind: "skill",
      name: "gitops",
      source: "kubernetes",
      owner_ref: OWNER,
      by: "controller",
      definition: { name: "gitops", body: "b" },
      content_sha256: "g1",
      created_by_agent_id: null,
      created_by_run_id: null,
    });
    const writer = { tenant_id: "acme", kind: "skill" as const, source: "api" as const, owner_ref: null, by: "alice" };
    const refusals = [
      await refusal(store.definitions.insertVersion(version({ name: "gitops", kind: "skill", parent_def_id: owned.record.def_id }))),
      await refusal(store.definitions.promote(writer, owned.record.def_id)),
      await refusal(store.definitions.setRetired(writer, { def_id: owned.record.def_id, retired: true })),
      await refusal(store.definitions.apply({ ...owned.record, def_id: newId("def"), owner_ref: "kubernetes:team-b/gitops@99", by: "controller", content_sha256: "g2" })),
    ];
    for (const error of refusals) expect([error.code, error.message.includes(`owned by ${OWNER}`)]).toEqual(["DEFINITION_OWNED", true]);
    expect(await store.definitions.listVersions("acme", "skill", "gitops")).toHaveLength(1);
  });

  it("gives the controller an idempotent apply through the service, which then owns the name", async () => {
    const agents = new AgentCatalog([]);
    const service = new DefinitionService({ store: store.definitions, agents });
    await agents.useDefinitions(() => store.definitions.listActive("agent"), { refreshMs: 60_000 });
    try {
      const input = { kind: "agent" as const, tenantId: "ops", name: "gitops-agent", definition: { provider: "mock", model: "mock-echo" }, source: "kubernetes" as const, ownerRef: OWNER };
      const first = await service.apply(input);
      const again = await service.apply(input);
      const changed = await service.apply({ ...input, definition: { ...input.definition, system_prompt: "new" } });
      expect([first.created, again.created, again.definition.def_id === first.definition.def_id, changed.created, changed.definition.version]).toEqual([true, false, true, true, 2]);
      expect(agents.get("gitops-agent", "ops").system_prompt).toBe("new");
      const refusal = service.dispatch("agent", { op: "fork", name: "gitops-agent", overlay: { tools: [] } }, { tenantId: "ops", subject: "alice" });
      await expect(refusal).rejects.toMatchObject({ code: "DEFINITION_OWNED" });
    } finally {
      agents.stop();
    }
  });
});
