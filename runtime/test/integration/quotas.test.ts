import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/index.ts";
import { silentLogger } from "../../src/domain/index.ts";
import { createRuntime } from "../../src/main.ts";
import type { Runtime } from "../../src/main.ts";
import { createPostgresStore } from "../../src/store/index.ts";
import { allFrames, fetchJson, postSse } from "../support/sse-client.ts";
import { TEST_AGENTS, TEST_DATABASE_URL, isolatedStore, startTestRuntime, testAgent, testConfig } from "../support/test-runtime.ts";

/**
 * Concurrency quotas (per user, per tenant) and backpressure, over HTTP: 429 with Retry-After,
 * nothing stored for a refused run, slots freed by finishing and by cancel, sub-agents sharing
 * their root's slot, and atomic admission under parallel starts (two runtimes on one Postgres).
 */

type TestRuntime = Awaited<ReturnType<typeof startTestRuntime>>;

const AGENTS = [...TEST_AGENTS, testAgent({ name: "orchestrator", provider: "mock", model: "mock-tools", tools: ["Agent"] }), testAgent({ name: "echo-child", provider: "mock", model: "mock-echo" })];

/** A run that waits `ms` in its one model call (cancel interrupts the wait). */
const waits = (ms: number): unknown[] => [{ text: "waited", delay_ms: ms }];

interface Started {
  status: number;
  retryAfter: string | null;
  body: { code?: string; error?: string } | null;
}

const openStreams: AbortController[] = [];

/** POST /v1/runs as SSE; an accepted run's stream is left open (closed after the test), a refusal's JSON body read. */
async function start(url: string, body: Record<string, unknown>): Promise<Started> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ agent: "scripted", prompt: "go", ...body }),
    signal: controller.signal,
  });
  if (response.status === 200) {
    openStreams.push(controller);
    return { status: 200, retryAfter: null, body: null };
  }
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as Started["body"] };
}

async function status(url: string, agentId: string): Promise<string> {
  return (await fetchJson(`${url}/v1/agents/${agentId}`)).status as string;
}

async function cancel(url: string, agentId: string): Promise<void> {
  await fetch(`${url}/v1/agents/${agentId}/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function waitUntilFinished(url: string, agentIds: readonly string[]): Promise<void> {
  await waitFor(async () => {
    const statuses = await Promise.all(agentIds.map((agentId) => status(url, agentId)));
    return statuses.every((value) => value !== "queued" && value !== "running");
  });
}

function quotas(concurrency: NonNullable<Config["concurrency"]>, extra: Partial<Config> = {}): Partial<Config> {
  return { agents: AGENTS, concurrency, ...extra };
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

afterEach(() => {
  for (const controller of openStreams.splice(0)) controller.abort();
});

describe.each(["pglite", "postgres"] as const)("per-user concurrency quota of 2 (%s store)", (kind) => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime(kind, quotas({ maxConcurrentRunsPerUser: 2, maxConcurrentRunsPerTenant: 0, maxQueueDepth: 0 }));
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("refuses a third concurrent run with 429 per_user_quota_exhausted and Retry-After, storing nothing; other users are not affected; finished runs free their slots", async () => {
    const url = runtime.url;
    const first = await start(url, { user_id: "alice", agent_id: "alice-1", metadata: { mock_script: waits(1_500) } });
    const second = await start(url, { user_id: "alice", agent_id: "alice-2", metadata: { mock_script: waits(1_500) } });
    expect([first.status, second.status]).toEqual([200, 200]);

    const third = await start(url, { user_id: "alice", agent_id: "alice-3", metadata: { mock_script: waits(10) } });
    expect(third.status).toBe(429);
    expect(third.retryAfter).toBe("5");
    expect(third.body?.code).toBe("per_user_quota_exhausted");
    expect(third.body?.error).toContain("max_concurrent_runs_per_user is 2");
    expect((await runtime.store.listRuns({ user_id: "alice" })).map((run) => run.agent_id).sort()).toEqual(["alice-1", "alice-2"]);
    expect((await fetch(`${url}/v1/agents/alice-3`)).status).toBe(404);

    expect((await start(url, { user_id: "bob", metadata: { mock_script: waits(10) } })).status).toBe(200);

    await waitUntilFinished(url, ["alice-1", "alice-2"]);
    expect(await status(url, "alice-1")).toBe("completed");
    const again = await Promise.all([start(url, { user_id: "alice", metadata: { mock_script: waits(10) } }), start(url, { user_id: "alice", metadata: { mock_script: waits(10) } })]);
    expect(again.map((result) => result.status)).toEqual([200, 200]);
  });

  it("cancelled runs free their slots at once", async () => {
    const url = runtime.url;
    for (const agentId of ["carol-1", "carol-2"]) expect((await start(url, { user_id: "carol", agent_id: agentId, metadata: { mock_script: waits(60_000) } })).status).toBe(200);
    expect((await start(url, { user_id: "carol", metadata: { mock_script: waits(10) } })).status).toBe(429);

    await Promise.all(["carol-1", "carol-2"].map((agentId) => cancel(url, agentId)));
    await waitUntilFinished(url, ["carol-1", "carol-2"]);
    expect(await status(url, "carol-1")).toBe("cancelled");
    expect((await start(url, { user_id: "carol", agent_id: "carol-3", metadata: { mock_script: waits(10) } })).status).toBe(200);
    await waitUntilFinished(url, ["carol-3"]);
  });

  it("does not count sub-agents against the user: a run at the quota still spawns children", async () => {
    const url = runtime.url;
    expect((await start(url, { user_id: "dora", agent_id: "dora-1", metadata: { mock_script: waits(60_000) } })).status).toBe(200);
    const spawns = Array.from({ length: 3 }, (_, index) => ({ name: "echo-child", prompt: `task ${index}` }));
    const script = [{ tool: "Agent", input: { op: "parallel_spawn", spawns } }, { text: "all done" }];
    const frames = await allFrames(await postSse(`${url}/v1/runs`, { agent: "orchestrator", prompt: "go", user_id: "dora", metadata: { mock_script: script } }));
    const result = frames.find((frame) => frame.event === "tool_result")?.data as { text: string; is_error: boolean };
    expect(result.is_error).toBe(false);
    expect((JSON.parse(result.text) as { ok: boolean }[]).map((child) => child.ok)).toEqual([true, true, true]);
    expect(frames.at(-1)?.event).toBe("done");
    await cancel(url, "dora-1");
    await waitUntilFinished(url, ["dora-1"]);
  });
});

describe.each(["pglite", "postgres"] as const)("per-tenant concurrency quota (%s store)", (kind) => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime(kind, quotas({ maxConcurrentRunsPerUser: 0, maxConcurrentRunsPerTenant: 2, maxQueueDepth: 0 }));
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("counts every user's runs (and runs without a user) against the tenant; 429 per_tenant_quota_exhausted; a finished run frees its slot", async () => {
    const url = runtime.url;
    expect((await start(url, { user_id: "erin", agent_id: "erin-1", metadata: { mock_script: waits(60_000) } })).status).toBe(200);
    expect((await start(url, { agent_id: "anon-1", metadata: { mock_script: waits(60_000) } })).status).toBe(200);
    const refused = await start(url, { user_id: "frank", metadata: { mock_script: waits(10) } });
    expect(refused).toMatchObject({ status: 429, retryAfter: "5", body: { code: "per_tenant_quota_exhausted" } });
    expect(refused.body?.error).toContain("tenant default already has 2 queued or running runs");

    await cancel(url, "anon-1");
    await waitUntilFinished(url, ["anon-1"]);
    expect((await start(url, { user_id: "frank", agent_id: "frank-1", metadata: { mock_script: waits(10) } })).status).toBe(200);
    await waitUntilFinished(url, ["frank-1"]);
    await cancel(url, "erin-1");
    await waitUntilFinished(url, ["erin-1"]);
  });
});

describe.each(["pglite", "postgres"] as const)("backpressure at a full queue (%s store)", (kind) => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    const base = testConfig();
    runtime = await startTestRuntime(kind, quotas({ maxConcurrentRunsPerUser: 0, maxConcurrentRunsPerTenant: 0, maxQueueDepth: 1 }, { limits: { ...base.limits, maxConcurrentRuns: 1 } }));
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("with one worker busy and max_queue_depth 1 waiting, the next run gets 429 backpressure with Retry-After, then starts once the line moves", async () => {
    const url = runtime.url;
    expect((await start(url, { agent_id: "busy", metadata: { mock_script: waits(60_000) } })).status).toBe(200);
    expect((await start(url, { agent_id: "waiting", metadata: { mock_script: waits(10) } })).status).toBe(200);
    expect(await status(url, "waiting")).toBe("queued");
    const refused = await start(url, { agent_id: "refused", metadata: { mock_script: waits(10) } });
    expect(refused).toMatchObject({ status: 429, retryAfter: "5", body: { code: "backpressure" } });
    expect((await fetch(`${url}/v1/agents/refused`)).status).toBe(404);

    await cancel(url, "busy");
    await waitUntilFinished(url, ["busy", "waiting"]);
    expect(await status(url, "waiting")).toBe("completed");
    expect((await start(url, { agent_id: "after", metadata: { mock_script: waits(10) } })).status).toBe(200);
    await waitUntilFinished(url, ["after"]);
  });
});

describe.each(["pglite", "postgres"] as const)("atomic admission under parallel starts (%s store)", (kind) => {
  const runtimes: Runtime[] = [];
  const disposers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const config = testConfig(quotas({ maxConcurrentRunsPerUser: 2, maxConcurrentRunsPerTenant: 0, maxQueueDepth: 0 }));
    if (kind === "pglite") {
      const { store, dispose } = await isolatedStore(kind);
      runtimes.push(await createRuntime(config, { logger: silentLogger, store }));
      disposers.push(dispose);
      return;
    }
    // Two runtimes (as two processes would be) on one Postgres schema: the quota must hold across them.
    const schema = `lc_test_${Math.random().toString(36).slice(2, 10)}`;
    disposers.push(() => dropSchema(schema));
    for (let index = 0; index < 2; index++) {
      runtimes.push(await createRuntime(config, { logger: silentLogger, store: await createPostgresStore({ url: TEST_DATABASE_URL, schema }) }));
    }
  });
  afterAll(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.close();
    for (const dispose of disposers.splice(0)) await dispose();
  });

  it("10 parallel starts of one user with a quota of 2: exactly 2 are accepted, 8 get 429", async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) => start((runtimes[index % runtimes.length] as Runtime).url, { user_id: "gus", agent_id: `gus-${index}`, metadata: { mock_script: waits(60_000) } })),
    );
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((value) => value === 200)).toHaveLength(2);
    expect(statuses.filter((value) => value === 429)).toHaveLength(8);
    expect(results.filter((result) => result.status === 429).every((result) => result.body?.code === "per_user_quota_exhausted" && result.retryAfter === "5")).toBe(true);
    const store = (runtimes[0] as Runtime).store;
    expect(await store.listRuns({ user_id: "gus" })).toHaveLength(2);
    // A cancel reaches the run only in the runtime executing it: ask both.
    for (const [index, result] of results.entries()) {
      if (result.status === 200) for (const runtime of runtimes) await cancel(runtime.url, `gus-${index}`);
    }
  });
});
