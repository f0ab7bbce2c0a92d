import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/domain/index.ts";
import type { Run, RunEvent, StoredEvent, Usage } from "../../src/domain/index.ts";
import type { Store } from "../../src/store/index.ts";

/**
 * The one Store contract every adapter passes (STYLE.md "Contract suites"): it opens a store once,
 * uses it as the service layer would, and closes it. Each test makes its own sessions and runs, so
 * tests never see each other's rows except through global queries, which they filter by id.
 */
export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    let store: Store;

    beforeAll(async () => {
      store = await open();
    });

    afterAll(async () => {
      await store?.close();
    });

    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

    async function newSession(userId: string | null = null): Promise<string> {
      const session = await store.createSession({ id: newId("ses"), tenant_id: "default", agent: "default", user_id: userId });
      return session.id;
    }

    async function newRun(
      options: { sessionId?: string; userId?: string | null; agentId?: string; events?: RunEvent[]; metadata?: Record<string, unknown> } = {},
    ): Promise<Run> {
      const userId = options.userId ?? null;
      const sessionId = options.sessionId ?? (await newSession(userId));
      return store.createRun(
        {
          id: newId("run"),
          session_id: sessionId,
          tenant_id: "default",
          agent: "default",
          agent_id: options.agentId ?? newId("agt"),
          user_id: userId,
          metadata: options.metadata ?? {},
        },
        options.events ?? [{ type: "user_input", segments: [{ role: "user", content: [{ type: "text", text: "hi" }] }] }],
      );
    }

    function textEvents(run: Run, fromSeq: number, count: number): StoredEvent[] {
      return Array.from({ length: count }, (_, index) => ({
        run_id: run.id,
        session_id: run.session_id,
        seq: fromSeq + index,
        ts_ms: Date.now(),
        event: { type: "text", text: `chunk ${fromSeq + index}` },
      }));
    }

    const usage: Usage = { input_tokens: 12, output_tokens: 34, cache_creation_input_tokens: 5, cache_read_input_tokens: 6, model: "mock-echo", provider: "mock" };

    it("answers ping and describes itself without credentials", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      expect(store.description).toBeTypeOf("string");
      expect(store.description).not.toMatch(/password|secret/i);
    });

    it("round-trips a session and returns null for an unknown one", async () => {
      const id = await newSession("user-1");
      const session = await store.getSession(id);
      expect(session).toMatchObject({ id, tenant_id: "default", agent: "default", user_id: "user-1" });
      expect(session?.created_at).toBeInstanceOf(Date);
      expect(await store.getSession("ses_missing")).toBeNull();
    });

    it("creates a queued run with its metadata and its first events numbered 1..n", async () => {
      const first: RunEvent[] = [
        { type: "user_input", segments: [{ role: "user", content: [{ type: "text", text: "hello" }] }] },
        { type: "system_prompt", system_prompt: "You are a test.", agent: "default" },
      ];
      const metadata = { mock_script: [{ text: "x" }], nested: { a: 1, b: [true, null] } };
      const run = await newRun({ events: first, metadata });
      expect(run).toMatchObject({ status: "queued", stop_reason: null, error: null, owner_id: null, started_at: null, metadata });
      expect(run.usage).toEqual({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
      const events = await store.listRunEvents(run.id, 0);
      expect(events.map((event) => event.seq)).toEqual([1, 2]);
      expect(events.map((event) => event.event)).toEqual(first);
      expect(events.every((event) => event.session_id === run.session_id && event.ts_ms > 0)).toBe(true);
      expect(await store.getRun(run.id)).toEqual(run);
      expect(await store.getRun("run_missing")).toBeNull();
    });

    it("appends a batch of 500 events in one call, readable in seq order", async () => {
      const run = await newRun();
      const batch = textEvents(run, 2, 500);
      await store.appendEvents(batch);
      const events = await store.listRunEvents(run.id, 1);
      expect(events).toHaveLength(500);
      expect(events.map((event) => event.seq)).toEqual(batch.map((event) => event.seq));
      expect(events.at(-1)?.event).toEqual({ type: "text", text: "chunk 501" });
      expect(await store.lastSeq(run.id)).toBe(501);
    });

    it("keeps event timestamps and text with quotes, backslashes, braces and non-ASCII intact", async () => {
      const run = await newRun();
      const tricky = 'say "hi" \\ {a,b} \'x\' \n\t ünïcødé 🚀 NULL';
      const stored: StoredEvent = { run_id: run.id, session_id: run.session_id, seq: 2, ts_ms: 1_700_000_000_123, event: { type: "text", text: tricky } };
      await store.appendEvents([stored]);
      expect(await store.listRunEvents(run.id, 1)).toEqual([stored]);
    });

    it("accepts an empty batch as a no-op", async () => {
      const run = await newRun();
      await store.appendEvents([]);
      expect(await store.lastSeq(run.id)).toBe(1);
    });

    it("rejects a whole batch that repeats a stored seq and writes none of it", async () => {
      const run = await newRun();
      const batch = [...textEvents(run, 2, 3), ...textEvents(run, 1, 1)];
      await expect(store.appendEvents(batch)).rejects.toThrow();
      expect(await store.lastSeq(run.id)).toBe(1);
      expect(await store.listRunEvents(run.id, 0)).toHaveLength(1);
    });

    it("rejects a batch that repeats a seq within itself", async () => {
      const run = await newRun();
      await expect(store.appendEvents([...textEvents(run, 2, 2), ...textEvents(run, 3, 1)])).rejects.toThrow();
      expect(await store.lastSeq(run.id)).toBe(1);
    });

    it("lists only the events after a given seq", async () => {
      const run = await newRun();
      await store.appendEvents(textEvents(run, 2, 9));
      const events = await store.listRunEvents(run.id, 7);
      expect(events.map((event) => event.seq)).toEqual([8, 9, 10]);
      expect(await store.listRunEvents(run.id, 10)).toEqual([]);
    });

    it("reports lastSeq 0 for a run without events", async () => {
      expect(await store.lastSeq("run_missing")).toBe(0);
    });

    it("lists a session's events across runs in the order they were written", async () => {
      const sessionId = await newSession();
      const first = await newRun({ sessionId });
      const second = await newRun({ sessionId });
      await store.appendEvents(textEvents(second, 2, 1));
      await store.appendEvents(textEvents(first, 2, 1));
      const events = await store.listSessionEvents(sessionId);
      expect(events.map((event) => `${event.run_id === first.id ? "first" : "second"}#${event.seq}`)).toEqual([
        "first#1",
        "second#1",
        "second#2",
        "first#2",
      ]);
    });

    it("lets exactly one owner claim a queued run", async () => {
      const run = await newRun();
      const claimed = await store.claimRun(run.id, "owner-a");
      expect(claimed).toMatchObject({ id: run.id, status: "running", owner_id: "owner-a" });
      expect(claimed?.started_at).toBeInstanceOf(Date);
      expect(claimed?.heartbeat_at).toBeInstanceOf(Date);
      expect(await store.claimRun(run.id, "owner-b")).toBeNull();
      expect(await store.claimRun("run_missing", "owner-a")).toBeNull();
    });

    it("gives a run to only one of two concurrent claimers", async () => {
      const run = await newRun();
      const results = await Promise.all([store.claimRun(run.id, "owner-a"), store.claimRun(run.id, "owner-b")]);
      expect(results.filter((result) => result !== null)).toHaveLength(1);
    });

    it("records a run's outcome and usage, and ignores a second outcome", async () => {
      const run = await newRun();
      await store.claimRun(run.id, "owner-a");
      await store.finishRun(run.id, { status: "completed", stop_reason: "end_turn", error: null, usage });
      await store.finishRun(run.id, { status: "failed", stop_reason: null, error: "late", usage: { ...usage, input_tokens: 999 } });
      const finished = await store.getRun(run.id);
      expect(finished).toMatchObject({ status: "completed", stop_reason: "end_turn", error: null, owner_id: null, usage });
      expect(finished?.completed_at).toBeInstanceOf(Date);
    });

    it("writes the terminal event together with the outcome, and neither for a run already finished", async () => {
      const run = await newRun();
      await store.claimRun(run.id, "owner-a");
      const done = (seq: number): StoredEvent => ({
        run_id: run.id,
        session_id: run.session_id,
        seq,
        ts_ms: Date.now(),
        event: { type: "done", stop_reason: "end_turn", usage },
      });
      const last = await store.lastSeq(run.id);
      expect(await store.finishRun(run.id, { status: "completed", stop_reason: "end_turn", error: null, usage }, [done(last + 1)])).toBe(true);
      expect((await store.listRunEvents(run.id, last)).map((event) => event.event.type)).toEqual(["done"]);
      expect(await store.finishRun(run.id, { status: "failed", stop_reason: null, error: "late", usage }, [done(last + 2)])).toBe(false);
      expect(await store.lastSeq(run.id)).toBe(last + 1);
    });

    it("finishes a queued run and leaves model and provider out of usage when unknown", async () => {
      const run = await newRun();
      const bare = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
      await store.finishRun(run.id, { status: "cancelled", stop_reason: "cancelled", error: null, usage: bare });
      const finished = await store.getRun(run.id);
      expect(finished?.status).toBe("cancelled");
      expect(finished?.usage).toEqual(bare);
      expect(finished?.usage).not.toHaveProperty("model");
      expect(await store.claimRun(run.id, "owner-a")).toBeNull();
    });

    it("renews the heartbeat of the owner's running runs only", async () => {
      const mine = await newRun();
      const theirs = await newRun();
      const claimedMine = await store.claimRun(mine.id, "owner-heartbeat");
      const claimedTheirs = await store.claimRun(theirs.id, "owner-other");
      await sleep(20);
      await store.heartbeat("owner-heartbeat");
      const after = await store.getRun(mine.id);
      expect(after?.heartbeat_at?.getTime()).toBeGreaterThan(claimedMine?.heartbeat_at?.getTime() ?? Infinity);
      expect((await store.getRun(theirs.id))?.heartbeat_at).toEqual(claimedTheirs?.heartbeat_at);
    });

    it("interrupts stale running runs with an error event at the next seq and leaves fresh ones alone", async () => {
      const stale = await newRun();
      const fresh = await newRun();
      const queued = await newRun();
      await store.appendEvents(textEvents(stale, 2, 2));
      const claimedStale = await store.claimRun(stale.id, "owner-dead");
      await sleep(20);
      await store.claimRun(fresh.id, "owner-alive");
      // Just after the stale heartbeat and well before the fresh one, in the database's own clock.
      const cutoff = new Date((claimedStale?.heartbeat_at?.getTime() ?? 0) + 1);
      const reason = "interrupted: the process running this run stopped";

      const interrupted = await store.interruptStaleRuns(cutoff, reason);

      expect(interrupted).toContain(stale.id);
      expect(interrupted).not.toContain(fresh.id);
      expect(interrupted).not.toContain(queued.id);
      expect(await store.getRun(stale.id)).toMatchObject({ status: "interrupted", error: reason, owner_id: null });
      const events = await store.listRunEvents(stale.id, 3);
      expect(events.map((event) => [event.seq, event.event])).toEqual([[4, { type: "error", error: reason, code: "interrupted" }]]);
      expect((await store.getRun(fresh.id))?.status).toBe("running");
      expect((await store.getRun(queued.id))?.status).toBe("queued");
      expect(await store.interruptStaleRuns(cutoff, reason)).not.toContain(stale.id);
    });

    it("lists queued run ids oldest first, without claimed ones", async () => {
      const older = await newRun();
      const claimed = await newRun();
      const newer = await newRun();
      await store.claimRun(claimed.id, "owner-a");
      const ids = (await store.listQueuedRunIds()).filter((id) => [older.id, claimed.id, newer.id].includes(id));
      expect(ids).toEqual([older.id, newer.id]);
    });

    it("lists a user's runs newest first, filtered by status and capped by limit", async () => {
      const userId = newId("usr");
      const sessionId = await newSession(userId);
      const first = await newRun({ sessionId, userId });
      const second = await newRun({ sessionId, userId });
      const third = await newRun({ sessionId, userId });
      await newRun({ userId: newId("usr") });
      await store.claimRun(second.id, "owner-a");

      expect((await store.listRuns({ user_id: userId })).map((run) => run.id)).toEqual([third.id, second.id, first.id]);
      expect((await store.listRuns({ user_id: userId, statuses: ["queued"] })).map((run) => run.id)).toEqual([third.id, first.id]);
      expect((await store.listRuns({ user_id: userId, statuses: ["running", "completed"] })).map((run) => run.id)).toEqual([second.id]);
      expect((await store.listRuns({ user_id: userId, limit: 1 })).map((run) => run.id)).toEqual([third.id]);
    });

    it("finds the newest run carrying an agent id", async () => {
      const agentId = newId("agt");
      await newRun({ agentId });
      const newest = await newRun({ agentId });
      expect((await store.getRunByAgentId(agentId))?.id).toBe(newest.id);
      expect(await store.getRunByAgentId("agt_missing")).toBeNull();
    });

    it("reads runs and sessions through the tenant-scoped accessor: another tenant's rows read as missing", async () => {
      const [tenant, other, userId, agentId] = [newId("ten"), newId("ten"), newId("usr"), newId("agt")];
      const session = await store.createSession({ id: newId("ses"), tenant_id: tenant, agent: "default", user_id: userId });
      const base = { session_id: session.id, tenant_id: tenant, agent: "default", agent_id: agentId, user_id: userId, metadata: {} };
      const run = await store.createRun({ ...base, id: newId("run") }, [{ type: "user_input", segments: [{ role: "user", content: [{ type: "text", text: "hi" }] }] }]);
      const scoped = store.tenantScoped;
      expect(await scoped.getRun(tenant, run.id)).toEqual(run);
      expect(await scoped.getRun(other, run.id)).toBeNull();
      expect((await scoped.getSession(tenant, session.id))?.id).toBe(session.id);
      expect(await scoped.getSession(other, session.id)).toBeNull();
      expect((await scoped.getRunByAgentId(tenant, agentId))?.id).toBe(run.id);
      expect(await scoped.getRunByAgentId(other, agentId)).toBeNull();
      expect((await scoped.listRuns(tenant, { user_id: userId })).map((row) => row.id)).toEqual([run.id]);
      expect(await scoped.listRuns(other, { user_id: userId })).toEqual([]);
    });

    it("withdraws a run's pending questions when the run ends, by finishing or by being interrupted", async () => {
      const ask = (run: Run, id: string) =>
        store.interrupts.insert({
          interrupt_id: id, run_id: run.id, session_id: run.session_id, tenant_id: "default", user_id: null, agent_name: "default",
          agent_id: run.agent_id, kind: "question", status: "pending", question: "go?", options: [], context_data: null,
          priority: "normal", expires_at: new Date(Date.now() + 60_000),
        });
      const finished = await newRun();
      const crashed = await newRun();
      await store.claimRun(finished.id, "owner-a");
      const claimed = await store.claimRun(crashed.id, "owner-dead");
      await ask(finished, `int_${finished.id}`);
      await ask(crashed, `int_${crashed.id}`);
      expect(await store.interrupts.countPending(finished.id)).toBe(1);
      await store.finishRun(finished.id, { status: "failed", stop_reason: null, error: "boom", usage });
      await store.interruptStaleRuns(new Date((claimed?.heartbeat_at?.getTime() ?? 0) + 1), "interrupted");
      for (const run of [finished, crashed]) {
        expect(await store.interrupts.get(`int_${run.id}`)).toMatchObject({ status: "cancelled", resolved_by: "runtime" });
        expect(await store.interrupts.countPending(run.id)).toBe(0);
      }
    });

    it("records sub-agent lineage", async () => {
      const root = await newRun();
      expect(root).toMatchObject({ parent_run_id: null, parent_agent_id: null, root_run_id: root.id, depth: 0 });
      const spawn = async (parent: Run): Promise<Run> => {
        const lineage = { parent_run_id: parent.id, parent_agent_id: parent.agent_id, root_run_id: parent.root_run_id, depth: parent.depth + 1 };
        const base = { id: newId("run"), session_id: await newSession(), tenant_id: "default", agent: "default", agent_id: newId("agt"), user_id: null, metadata: {} };
        return store.createRun({ ...base, lineage }, [{ type: "user_input", segments: [{ role: "user", content: [{ type: "text", text: "child" }] }] }]);
      };
      const child = await spawn(root);
      const grandchild = await spawn(child);
      expect(await store.getRun(grandchild.id)).toMatchObject({ parent_run_id: child.id, parent_agent_id: child.agent_id, root_run_id: root.id, depth: 2 });
    });

    it("lists a session's queued and running runs, not its finished ones", async () => {
      const sessionId = await newSession();
      const queued = await newRun({ sessionId });
      const running = await newRun({ sessionId });
      const done = await newRun({ sessionId });
      await store.claimRun(running.id, "owner-a");
      await store.finishRun(done.id, { status: "failed", stop_reason: null, error: "boom", usage });
      const active = await store.listActiveRunsInSession(sessionId);
      expect(active.map((run) => run.id).sort()).toEqual([queued.id, running.id].sort());
    });
  });
}
