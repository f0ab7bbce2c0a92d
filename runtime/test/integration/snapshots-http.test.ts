import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definitionSha256, emptyUsage, newId } from "../../src/domain/index.ts";
import type { Store } from "../../src/store/index.ts";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm } from "../fake-llm/index.ts";
import { call, mint } from "../support/auth-client.ts";
import type { AuthAnswer } from "../support/auth-client.ts";
import { allFrames, postSse } from "../support/sse-client.ts";
import { startTestRuntime } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

type Runtime = Awaited<ReturnType<typeof startTestRuntime>>;

const ADMIN = "snapshot-admin-token-0123456789";
const AUTH = { token: ADMIN, pepper: "test-pepper", rotationGraceSeconds: 0 };
const FACTS = { cats: "cats purr and sleep on the warm sofa", kittens: "small kittens purr when they sleep", stocks: "stock markets fell as interest rates rose" };
const ZERO_COUNTS = {
  definitions_restored: 0,
  active_pointers_restored: 0,
  memory_restored: 0,
  channel_messages_restored: 0,
  channel_cursors_restored: 0,
  evaluations_restored: 0,
  paused_runs_restored: 0,
  sessions_restored: 0,
  transcript_events_restored: 0,
};

/** A run left paused (as a pause leaves it) in `store`: created, claimed, parked. With `parent`, a child of it. */
async function pausedRun(store: Store, options: { prompt: string; parent?: { id: string; agent_id: string } }): Promise<string> {
  const session = await store.createSession({ id: newId("sess"), tenant_id: "default", agent: "default", user_id: "ada" });
  const id = newId("run");
  const lineage = options.parent === undefined ? {} : { lineage: { parent_run_id: options.parent.id, parent_agent_id: options.parent.agent_id, root_run_id: options.parent.id, depth: 1 } };
  await store.createRun(
    { id, session_id: session.id, tenant_id: "default", agent: "default", agent_id: `handle-${id}`, user_id: "ada", metadata: {}, ...lineage },
    [
      { type: "user_input", segments: [{ role: "user", content: [{ type: "text", text: options.prompt }] }] },
      { type: "system_prompt", system_prompt: "You are a test.", agent: "default" },
    ],
  );
  expect(await store.claimRun(id, "paused-owner")).not.toBeNull();
  expect(await store.parkRun(id, "paused-owner", { target: "paused", usage: emptyUsage() })).toBe(true);
  return id;
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The source runs on Postgres; the snapshot is restored into two fresh databases, one Postgres
 * and one PGlite (so capture and restore cross adapters), and the PGlite one is captured again.
 */
describe("snapshots over HTTP", () => {
  let fake: FakeLlm;
  let source: Runtime;
  const targets = {} as Record<StoreKind, Runtime>;
  /** `route` is "METHOD /path"; the caller is the admin. */
  const api = (runtime: Runtime, route: string, body?: unknown): Promise<AuthAnswer> => {
    const [method = "GET", path = "/"] = route.split(" ");
    return call({ base: runtime.url, method, path, token: ADMIN, body });
  };

  beforeAll(async () => {
    fake = await startFakeLlm();
    const overrides = {
      auth: AUTH,
      memory: { embedder: { provider: "fake", baseUrl: fake.baseUrl("openai"), model: "bow-64", apiKeyEnv: null, dimensions: null } },
    };
    [source, targets.postgres, targets.pglite] = await Promise.all([
      startTestRuntime("postgres", overrides),
      startTestRuntime("postgres", overrides),
      startTestRuntime("pglite", overrides),
    ]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([source?.dispose(), targets.postgres?.dispose(), targets.pglite?.dispose()]);
    await fake?.close();
  });

  /** Fills the source: an agent definition, embedded memory, a channel with a cursor, an evaluated run, paused runs. */
  async function seedSource(): Promise<{ evalId: string; paused: string[] }> {
    const created = await api(source, "POST /v1/_agentdef", { op: "create", name: "writer", overlay: { provider: "mock", model: "mock-echo", system_prompt: "You write." } });
    expect(created.status).toBe(200);
    // A version a Kubernetes object owns (it may hold Secret-resolved values): never in a snapshot.
    const owned = { body: "from the cluster: CLUSTER-OWNED-CANARY" };
    await source.store.definitions.apply({
      tenant_id: "default", kind: "skill", source: "kubernetes", owner_ref: "kubernetes:default/owned@u1", by: "controller",
      def_id: newId("def"), name: "owned", definition: owned, content_sha256: definitionSha256("skill", owned), created_by_agent_id: null, created_by_run_id: null,
    });
    for (const [key, text] of Object.entries(FACTS)) {
      expect((await api(source, `PUT /v1/_memory/scopes/agent/librarian/keys/${key}?embed=true`, { value: text })).status).toBe(200);
    }
    expect((await api(source, "POST /v1/_channels", { name: "news" })).status).toBe(201);
    for (const n of [1, 2, 3]) expect((await api(source, "POST /v1/_channels/news/publish", { payload: { n } })).body).toMatchObject({ msg_id: n });
    expect((await api(source, "POST /v1/_channels/news/subscribe", { max_messages: 2 })).body).toMatchObject({ next_cursor: "cur_2" });

    const frames = await allFrames(await postSse(`${source.url}/v1/runs`, { agent: "default", prompt: "evaluate me" }, { authorization: `Bearer ${ADMIN}` }));
    const runId = String(frames.find((frame) => frame.event === "agent")?.data["run_id"]);
    const evaluation = await api(source, `POST /v1/runs/${runId}/evaluations`, { score: 0.9, judgement: "great" });
    expect(evaluation.status).toBe(201);

    const parent = await pausedRun(source.store, { prompt: "parent goes on" });
    const child = await pausedRun(source.store, { prompt: "child goes on", parent: { id: parent, agent_id: `handle-${parent}` } });
    return { evalId: String(evaluation.body.eval_id), paused: [parent, child] };
  }

  let seeded: { evalId: string; paused: string[] };
  let snapshotId: string;
  let exported: Record<string, any>;

  it("creates, lists, reads and exports a snapshot of every section", async () => {
    seeded = await seedSource();
    const created = await api(source, "POST /v1/_snapshots", { label: "before-upgrade", include_history: false });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      snapshot_id: expect.stringMatching(/^snap_/),
      label: "before-upgrade",
      schema_version: "1.0",
      size_bytes: expect.any(Number),
      sections: {
        definitions: { version: "1.0", count: 1 },
        memory: { version: "1.0", count: 3 },
        channels: { version: "1.0", count: 1 },
        paused_runs: { version: "1.0", count: 2 },
        evaluations: { version: "1.0", count: 1 },
      },
    });
    snapshotId = created.body.snapshot_id;
    const other = await api(source, "POST /v1/_snapshots", { label: "nightly" });

    const listed = await api(source, "GET /v1/_snapshots");
    expect(listed.body.snapshots.map((snapshot: { snapshot_id: string }) => snapshot.snapshot_id)).toEqual([other.body.snapshot_id, snapshotId]);
    expect((await api(source, "GET /v1/_snapshots?label_contains=UPGRADE&limit=5")).body.snapshots).toEqual([created.body]);

    const got = await api(source, `GET /v1/_snapshots/${snapshotId}`);
    expect(got.status).toBe(200);
    const { json_content: content, ...descriptor } = got.body;
    expect(descriptor).toEqual(created.body);
    expect(content).toMatchObject({ schema_version: "1.0", label: "before-upgrade", sections: { memory: { version: "1.0" } } });
    const embedded = content.sections.memory.items.find((item: { key: string }) => item.key === "cats");
    expect(embedded.embedding).toMatchObject({ provider: "fake", model: "bow-64", dimension: 64 });
    expect(embedded.embedding.vector).toHaveLength(64);
    expect(JSON.stringify(content)).not.toContain(ADMIN);
    expect(JSON.stringify(content)).not.toContain("CLUSTER-OWNED-CANARY");

    const response = await fetch(`${source.url}/v1/_snapshots/${snapshotId}/export`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="loomcycle-snapshot-${snapshotId}.json"`);
    const text = await response.text();
    expect(Buffer.byteLength(text)).toBe(created.body.size_bytes);
    exported = JSON.parse(text) as Record<string, any>;
    expect(exported).toEqual(content);

    expect((await api(source, `DELETE /v1/_snapshots/${other.body.snapshot_id}`)).status).toBe(204);
    expect((await api(source, `DELETE /v1/_snapshots/${other.body.snapshot_id}`)).status).toBe(204);
    expect((await api(source, `GET /v1/_snapshots/${other.body.snapshot_id}`)).status).toBe(404);
  });

  it.each<StoreKind>(["postgres", "pglite"])("restores into a fresh %s database: definitions, memory with vector search, channels, evaluations, paused runs that then complete", async (kind) => {
    const target = targets[kind];
    const restored = await api(target, "POST /v1/_snapshots/inline/restore", { json: exported });
    expect(restored.status).toBe(200);
    expect(restored.body).toEqual({
      definitions_restored: 1,
      active_pointers_restored: 1,
      memory_restored: 3,
      channel_messages_restored: 3,
      channel_cursors_restored: 1,
      evaluations_restored: 1,
      paused_runs_restored: 2,
      sessions_restored: 2,
      transcript_events_restored: 4,
      warnings: [],
      format_migrations: [],
    });

    // The restored agent definition runs.
    const frames = await allFrames(await postSse(`${target.url}/v1/runs`, { agent: "writer", prompt: "hello" }, { authorization: `Bearer ${ADMIN}` }));
    expect(frames.at(-1)).toMatchObject({ event: "done" });
    // Memory, with vector search.
    const search = await api(target, "POST /v1/_memory/search", { query: "cats purr sleep", scope: "agent", scope_id: "librarian", top_k: 2 });
    expect(search.body.entries.map((entry: { key: string }) => entry.key)).toEqual(["cats", "kittens"]);
    // The channel: the subscriber's cursor and the partition's ids carry over.
    expect((await api(target, "POST /v1/_channels/news/subscribe", {})).body).toMatchObject({ next_cursor: "cur_3", messages: [{ id: 3, value: { n: 3 } }] });
    expect((await api(target, "POST /v1/_channels/news/publish", { payload: { n: 4 } })).body).toMatchObject({ msg_id: 4 });
    // The evaluation.
    expect(await target.store.evaluations.get(seeded.evalId)).toMatchObject({ score: 0.9, judgement: "great" });
    // The paused runs were resumed at once and finish from their transcript.
    for (const runId of seeded.paused) {
      const status = await until(() => api(target, `GET /v1/runs/${runId}`), (answer) => answer.body.status === "completed");
      expect(status.body).toMatchObject({ status: "completed" });
    }
    const child = await target.store.getRun(seeded.paused[1] ?? "");
    expect(child?.parent_run_id).toBe(seeded.paused[0]);

    const again = await api(target, "POST /v1/_snapshots/inline/restore", { json: exported });
    expect(again.body).toEqual({ ...ZERO_COUNTS, warnings: [], format_migrations: [] });

    // The restored database snapshots again: the runs completed, so none is paused any more.
    const recaptured = await api(target, "POST /v1/_snapshots", {});
    expect(recaptured.body.sections).toMatchObject({ definitions: { count: 1 }, memory: { count: 3 }, channels: { count: 1 }, paused_runs: { count: 0 }, evaluations: { count: 1 } });
  });

  it("restores a stored snapshot by id, idempotently", async () => {
    const answer = await api(source, `POST /v1/_snapshots/${snapshotId}/restore`, {});
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ...ZERO_COUNTS, warnings: [], format_migrations: [] });
    expect((await api(source, "POST /v1/_snapshots/snap_missing/restore", {})).status).toBe(404);
  });

  it("refuses what it cannot take: a too-new version (422), a malformed envelope (400), an oversize snapshot (413), a non-admin (403)", async () => {
    const target = targets.postgres;
    const tooNew = structuredClone(exported);
    tooNew.sections.memory.version = "2.0";
    const refused = await api(target, "POST /v1/_snapshots/inline/restore", { json: tooNew });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe("snapshot_version_too_new");

    const malformed = structuredClone(exported);
    malformed.sections.memory.items[0].key = 5;
    const bad = await api(target, "POST /v1/_snapshots/inline/restore", { json: malformed });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^json\.sections\.memory\.items\[0\]\.key: /);
    expect((await api(target, "POST /v1/_snapshots/inline/restore", {})).body.error).toMatch(/^json: /);
    const unfit = structuredClone(exported);
    unfit.sections.definitions.items = [{ ...unfit.sections.definitions.items[0], def_id: "def_hand_made", version: 9, created_by: null, active: null }];
    const refusedRow = await api(target, "POST /v1/_snapshots/inline/restore", { json: unfit });
    expect(refusedRow.status).toBe(400);
    expect(refusedRow.body.error).toMatch(/^json: the snapshot does not fit this database: .*created_by/);
    expect((await api(target, "POST /v1/_snapshots", { labels: "x" })).body.error).toBe("labels: unknown field");

    const large = await api(source, "POST /v1/_snapshots", { max_bytes: 100 });
    expect(large.status).toBe(413);
    expect(large.body.code).toBe("snapshot_too_large");

    const reader = await mint({ base: source.url, admin: ADMIN, name: "reader", scopes: ["runs:read", "substrate:tenant"] });
    for (const [method, path] of [["GET", "/v1/_snapshots"], ["POST", "/v1/_snapshots"], ["GET", `/v1/_snapshots/${snapshotId}/export`], ["POST", "/v1/_snapshots/inline/restore"]] as const) {
      const answer = await call({ base: source.url, method, path, token: reader, body: method === "POST" ? {} : undefined });
      expect(answer.status, `${method} ${path}`).toBe(403);
    }
  });
  it("leaves restored paused runs paused while the runtime is paused, and POST /v1/_resume resumes them", async () => {
    const target = targets.postgres;
    // The same paused sessions under new ids: paused runs this database does not have yet.
    let text = JSON.stringify(exported);
    for (const item of exported.sections.paused_runs.items) {
      for (const id of [item.session.id, ...item.runs.map((run: { id: string }) => run.id)]) text = text.replaceAll(id, `${id}b`);
    }
    const renamed = seeded.paused.map((id) => `${id}b`);
    expect((await api(target, "POST /v1/_pause", {})).status).toBe(200);
    const restored = await api(target, "POST /v1/_snapshots/inline/restore", { json: JSON.parse(text) });
    expect(restored.body).toMatchObject({ paused_runs_restored: 2, warnings: ["2 restored paused runs wait for POST /v1/_resume: the runtime is paused"] });
    for (const runId of renamed) expect((await api(target, `GET /v1/runs/${runId}`)).body).toMatchObject({ status: "paused" });

    expect((await api(target, "POST /v1/_resume", {})).status).toBe(200);
    for (const runId of renamed) {
      const status = await until(() => api(target, `GET /v1/runs/${runId}`), (answer) => answer.body.status === "completed");
      expect(status.body).toMatchObject({ status: "completed" });
    }
  });
});
