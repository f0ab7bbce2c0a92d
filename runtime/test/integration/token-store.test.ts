import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/domain/index.ts";
import type { NewOperatorToken, Store } from "../../src/store/index.ts";
import { isolatedStore } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

function newToken(overrides: Partial<NewOperatorToken> = {}): NewOperatorToken {
  return {
    def_id: newId("otd"),
    name: `tok-${newId("n")}`,
    tenant_id: "acme",
    subject: "alice",
    scopes: ["runs:read"],
    lookup_id: newId("lk"),
    salt: "salt",
    token_hash: "hash",
    imported: false,
    created_by: "test",
    ...overrides,
  };
}

for (const kind of ["pglite", "postgres"] as StoreKind[]) {
  describe(`operator token store (${kind})`, () => {
    let store: Store;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ store, dispose } = await isolatedStore(kind));
    });

    afterAll(async () => {
      await store.close();
      await dispose();
    });

    it("stores a token, finds it by lookup id, and refuses a second active token of the same name", async () => {
      const token = newToken();
      const stored = await store.tokens.insert(token);
      expect(stored).toMatchObject({ def_id: token.def_id, name: token.name, tenant_id: "acme", subject: "alice", scopes: ["runs:read"], status: "active", rotated_from: null });
      expect(await store.tokens.findAccepted(token.lookup_id)).toMatchObject({ def_id: token.def_id });
      expect(await store.tokens.insert(newToken({ name: token.name }))).toBeNull();
      expect(await store.tokens.get({ name: token.name })).toMatchObject({ def_id: token.def_id });
    });

    it("rotates atomically: the old row stops being accepted at once without grace, the new one carries the binding", async () => {
      const token = newToken({ scopes: ["substrate:tenant"] });
      await store.tokens.insert(token);
      const rotated = await store.tokens.rotate({ oldDefId: token.def_id, oldValidUntil: new Date(Date.now() - 1000), def_id: newId("otd"), lookup_id: newId("lk"), salt: "s2", token_hash: "h2", created_by: "test" });
      expect(rotated).toMatchObject({ name: token.name, tenant_id: "acme", subject: "alice", scopes: ["substrate:tenant"], status: "active", rotated_from: token.def_id });
      expect(await store.tokens.findAccepted(token.lookup_id)).toBeNull();
      expect(await store.tokens.get({ def_id: token.def_id })).toMatchObject({ status: "retired" });
      expect(await store.tokens.rotate({ oldDefId: token.def_id, oldValidUntil: new Date(), def_id: newId("otd"), lookup_id: newId("lk"), salt: "s", token_hash: "h", created_by: "t" })).toBeNull();
    });

    it("keeps a rotated token accepted during its grace, and retiring the name revokes both at once", async () => {
      const token = newToken();
      await store.tokens.insert(token);
      const next = newId("lk");
      await store.tokens.rotate({ oldDefId: token.def_id, oldValidUntil: new Date(Date.now() + 60_000), def_id: newId("otd"), lookup_id: next, salt: "s", token_hash: "h", created_by: "t" });
      expect(await store.tokens.findAccepted(token.lookup_id)).toMatchObject({ status: "rotated" });
      const retired = await store.tokens.retire({ name: token.name });
      expect(retired.map((row) => row.status)).toEqual(["retired", "retired"]);
      expect(await store.tokens.findAccepted(token.lookup_id)).toBeNull();
      expect(await store.tokens.findAccepted(next)).toBeNull();
      expect(await store.tokens.retire({ name: token.name })).toEqual([]);
    });

    it("counts accepted and admin tokens, and lists newest first without retired ones unless asked", async () => {
      const before = await store.tokens.census();
      const admin = newToken({ scopes: ["substrate:admin"], tenant_id: "census" });
      await store.tokens.insert(admin);
      await store.tokens.insert(newToken({ tenant_id: "census" }));
      expect(await store.tokens.census()).toEqual({ accepted: before.accepted + 2, admins: before.admins + 1 });
      await store.tokens.retire({ def_id: admin.def_id });
      expect(await store.tokens.census()).toEqual({ accepted: before.accepted + 1, admins: before.admins });
      expect((await store.tokens.list({ tenantId: "census" })).length).toBe(1);
      expect((await store.tokens.list({ tenantId: "census", includeRetired: true })).map((row) => row.def_id)).toContain(admin.def_id);
    });
  });
}
