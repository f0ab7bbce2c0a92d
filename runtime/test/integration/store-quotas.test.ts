import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError, emptyUsage, newId } from "../../src/domain/index.ts";
import type { Run, RunQuota } from "../../src/domain/index.ts";
import type { NewSession, Store } from "../../src/store/index.ts";
import { isolatedStore } from "../support/test-runtime.ts";

/**
 * The store side of admission: createRun with a quota counts the runs table itself (queued +
 * running top-level runs), so every way a run ends gives its slot back, and a refusal writes
 * nothing, not even the session created with the run. Token budgets: upsert/list/delete and the
 * month-to-date usage summed from the ledger.
 */

const USER_QUOTA: RunQuota = { maxPerUser: 2, maxPerTenant: 0 };

describe.each(["pglite", "postgres"] as const)("quota admission in the store (%s)", (kind) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await isolatedStore(kind));
  });
  afterAll(async () => {
    await store?.close();
    await dispose?.();
  });

  function session(userId: string | null, tenantId = "default"): NewSession {
    return { id: newId("ses"), tenant_id: tenantId, agent: "default", user_id: userId };
  }

  /** A top-level run (with its new session) admitted under `quota`. */
  function admit(userId: string | null, quota: RunQuota, tenantId = "default"): Promise<Run> {
    const created = session(userId, tenantId);
    const run = { id: newId("run"), session_id: created.id, tenant_id: tenantId, agent: "default", agent_id: newId("agt"), user_id: userId, metadata: {} };
    return store.createRun(run, [{ type: "started" }], { session: created, quota });
  }

  async function refusal(promise: Promise<unknown>): Promise<AppError> {
    const error = await promise.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  it("refuses the third run of a user writing neither its session nor its run; the refusal says when to retry", async () => {
    await admit("u-refuse", USER_QUOTA);
    await admit("u-refuse", USER_QUOTA);
    const created = session("u-refuse");
    const run = { id: newId("run"), session_id: created.id, tenant_id: "default", agent: "default", agent_id: newId("agt"), user_id: "u-refuse", metadata: {} };
    const error = await refusal(store.createRun(run, [{ type: "started" }], { session: created, quota: USER_QUOTA }));
    expect(error.code).toBe("PER_USER_QUOTA_EXHAUSTED");
    expect(error.details["retry_after_seconds"]).toBe(5);
    expect(await store.getSession(created.id)).toBeNull();
    expect(await store.getRun(run.id)).toBeNull();
    expect(await store.listRuns({ user_id: "u-refuse" })).toHaveLength(2);
  });

  it("frees a slot for every way a run ends: completed, cancelled, failed, and interrupted after its process died", async () => {
    const [a, b] = [await admit("u-end", USER_QUOTA), await admit("u-end", USER_QUOTA)];
    for (const outcome of ["completed", "cancelled", "failed"] as const) {
      await store.finishRun((a as Run).id, { status: outcome, stop_reason: null, error: null, usage: emptyUsage() });
      const next = await admit("u-end", USER_QUOTA);
      expect(next.status).toBe("queued");
      Object.assign(a as Run, next);
    }
    // Both remaining runs are claimed by a process that then dies; the sweep interrupts them.
    await store.claimRun((a as Run).id, "dead-owner");
    await store.claimRun((b as Run).id, "dead-owner");
    expect((await refusal(admit("u-end", USER_QUOTA))).code).toBe("PER_USER_QUOTA_EXHAUSTED");
    const interrupted = await store.interruptStaleRuns(new Date(Date.now() + 60_000), "interrupted: the process running this run stopped");
    expect(interrupted).toEqual(expect.arrayContaining([(a as Run).id, (b as Run).id]));
    await admit("u-end", USER_QUOTA);
    await admit("u-end", USER_QUOTA);
  });

  it("keeps a requeued run (its process died, it will resume) in its slot: no double start", async () => {
    const run = await admit("u-requeue", { maxPerUser: 1, maxPerTenant: 0 });
    await store.claimRun(run.id, "dead-owner");
    expect(await store.requeueStaleRuns(new Date(Date.now() + 60_000), 3)).toContain(run.id);
    expect((await refusal(admit("u-requeue", { maxPerUser: 1, maxPerTenant: 0 }))).code).toBe("PER_USER_QUOTA_EXHAUSTED");
  });

  it("does not count sub-agent runs, nor runs without a user against a user quota", async () => {
    const root = await admit("u-kids", { maxPerUser: 1, maxPerTenant: 0 });
    const lineage = { parent_run_id: root.id, parent_agent_id: root.agent_id, root_run_id: root.id, depth: 1 };
    for (let index = 0; index < 3; index++) {
      const child = session("u-kids");
      await store.createRun(
        { id: newId("run"), session_id: child.id, tenant_id: "default", agent: "default", agent_id: newId("sub"), user_id: "u-kids", metadata: {}, lineage },
        [{ type: "started" }],
        { session: child },
      );
    }
    expect((await refusal(admit("u-kids", { maxPerUser: 1, maxPerTenant: 0 }))).code).toBe("PER_USER_QUOTA_EXHAUSTED");
    await store.finishRun(root.id, { status: "completed", stop_reason: "end_turn", error: null, usage: emptyUsage() });
    await admit("u-kids", { maxPerUser: 1, maxPerTenant: 0 });
    for (let index = 0; index < 3; index++) await admit(null, { maxPerUser: 1, maxPerTenant: 0 });
  });

  it("counts a tenant's runs of every user against the tenant quota, and other tenants not at all", async () => {
    const quota = { maxPerUser: 0, maxPerTenant: 2 };
    await admit("t-u1", quota, "tenant-q");
    await admit(null, quota, "tenant-q");
    const error = await refusal(admit("t-u2", quota, "tenant-q"));
    expect(error.code).toBe("PER_TENANT_QUOTA_EXHAUSTED");
    expect(error.message).toContain("tenant tenant-q already has 2 queued or running runs");
    await admit("t-u2", quota, "tenant-other");
  });

  it("stores token budgets per tenant, with month-to-date usage from the ledger", async () => {
    const since = new Date(Date.now() - 60_000);
    const limit = await store.limits.upsert({ tenant_id: "tenant-b", scope: "user", scope_id: "ulla", soft_limit: 10, hard_limit: null, updated_by: "admin" }, since);
    expect(limit).toMatchObject({ tenant_id: "tenant-b", scope: "user", scope_id: "ulla", soft_limit: 10, hard_limit: null, used: 0, updated_by: "admin" });
    await store.limits.upsert({ tenant_id: "tenant-b", scope: "tenant", scope_id: "tenant-b", soft_limit: null, hard_limit: 500, updated_by: "admin" }, since);

    // One model call of ulla's: 30 input + 12 output tokens reach the ledger with its usage event.
    const run = await admit("ulla", { maxPerUser: 0, maxPerTenant: 0 }, "tenant-b");
    const usage = { ...emptyUsage(), input_tokens: 30, output_tokens: 12, cache_read_input_tokens: 1000, provider: "mock", model: "m" };
    await store.appendEvents([{ run_id: run.id, session_id: run.session_id, seq: 2, ts_ms: Date.now(), event: { type: "usage", usage } }]);

    const listed = await store.limits.list("tenant-b", since);
    expect(listed.map((row) => [row.scope, row.scope_id, row.used])).toEqual([
      ["tenant", "tenant-b", 42],
      ["user", "ulla", 42],
    ]);
    expect(await store.limits.list("tenant-b", new Date(Date.now() + 60_000))).toEqual(expect.arrayContaining([expect.objectContaining({ used: 0 })]));
    expect((await store.limits.applicable({ tenantId: "tenant-b", userId: null, since })).map((row) => row.scope)).toEqual(["tenant"]);
    expect(await store.limits.list("tenant-c", since)).toEqual([]);

    expect(await store.limits.delete({ tenant_id: "tenant-b", scope: "user", scope_id: "ulla" })).toBe(true);
    expect(await store.limits.delete({ tenant_id: "tenant-b", scope: "user", scope_id: "ulla" })).toBe(false);
    expect((await store.limits.list("tenant-b", since)).map((row) => row.scope)).toEqual(["tenant"]);
  });
});
