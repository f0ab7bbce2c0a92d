import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/domain/index.ts";
import type { Run } from "../../src/domain/index.ts";
import type { Store } from "../../src/store/index.ts";
import { isolatedStore } from "../support/test-runtime.ts";

/** The durable half of cancel (migration 0016) on both drivers: marking a tree, the claim seeing it, resync. */
describe.each(["pglite", "postgres"] as const)("ControlStore (%s)", (kind) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await isolatedStore(kind));
  });
  afterAll(async () => {
    await store?.close();
    await dispose?.();
  });

  async function newRun(parent?: Run): Promise<Run> {
    const session = await store.createSession({ id: newId("ses"), tenant_id: "default", agent: "default", user_id: null });
    const lineage = parent === undefined ? {} : { lineage: { parent_run_id: parent.id, parent_agent_id: parent.agent_id, root_run_id: parent.root_run_id, depth: parent.depth + 1 } };
    return store.createRun({ id: newId("run"), session_id: session.id, tenant_id: "default", agent: "default", agent_id: newId("agt"), user_id: null, metadata: {}, ...lineage }, [
      { type: "user_input", segments: [{ role: "user", content: [{ type: "text", text: "hi" }] }] },
    ]);
  }

  it("marks a run and its unfinished descendants in one statement, parents first, and leaves finished ones alone", async () => {
    const root = await newRun();
    const child = await newRun(root);
    const grandchild = await newRun(child);
    const done = await newRun(root);
    await store.claimRun(root.id, "owner-a");
    await store.claimRun(child.id, "owner-b");
    await store.finishRun(done.id, { status: "completed", stop_reason: "end_turn", error: null, usage: root.usage });

    const marks = await store.control.requestCancel(root.id, "stop it");
    expect(marks).toEqual([
      { id: root.id, agent_id: root.agent_id, status: "running", owner_id: "owner-a" },
      { id: child.id, agent_id: child.agent_id, status: "running", owner_id: "owner-b" },
      { id: grandchild.id, agent_id: grandchild.agent_id, status: "queued", owner_id: null },
    ]);
    expect((await store.getRun(done.id))?.cancel_requested_at).toBeUndefined();

    // The claim of the queued grandchild carries the request, so its worker cancels it at once.
    expect((await store.claimRun(grandchild.id, "owner-c"))?.cancel_requested_at).toBeInstanceOf(Date);
    expect(await store.control.cancelRequested("owner-b")).toEqual([child.id]);
    expect(await store.control.cancelRequested("owner-z")).toEqual([]);
    expect((await store.control.unfinished([root.id, done.id])).sort()).toEqual([root.id]);
    expect(await store.control.unfinished([])).toEqual([]);
  });

  it("marks nothing for a finished run, and keeps the first request's reason when asked twice", async () => {
    const finished = await newRun();
    await store.finishRun(finished.id, { status: "cancelled", stop_reason: "cancelled", error: null, usage: finished.usage });
    expect(await store.control.requestCancel(finished.id, "late")).toEqual([]);

    const run = await newRun();
    await store.control.requestCancel(run.id, "first");
    const first = (await store.getRun(run.id))?.cancel_requested_at;
    expect(await store.control.requestCancel(run.id, "second")).toHaveLength(1);
    expect((await store.getRun(run.id))?.cancel_requested_at).toEqual(first);
  });
});
