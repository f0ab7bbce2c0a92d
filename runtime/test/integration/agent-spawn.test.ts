import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { childAgentId } from "../../src/service/index.ts";
import { startServer } from "../support/server-process.ts";
import { allFrames, fetchJson, openSse, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { TEST_AGENTS, isolatedDatabaseUrl, startTestRuntime, testAgent } from "../support/test-runtime.ts";

/** The Agent tool: spawn, parallel_spawn, the child's sandbox, the depth cap and the cancel cascade. */

const AGENTS = [
  ...TEST_AGENTS,
  testAgent({ name: "orchestrator", provider: "mock", model: "mock-tools", tools: ["Agent", "Context"], max_concurrent_children: 8 }),
  testAgent({ name: "pair", provider: "mock", model: "mock-tools", tools: ["Agent"], max_concurrent_children: 2 }),
  testAgent({ name: "echo-child", provider: "mock", model: "mock-echo" }),
  testAgent({ name: "slow-child", provider: "mock", model: "mock-tools", mock_script: [{ text: "slow done", delay_ms: 8_000 }] }),
  testAgent({ name: "nap-child", provider: "mock", model: "mock-tools", mock_script: [{ text: "napped", delay_ms: 400 }] }),
  testAgent({ name: "prober", provider: "mock", model: "mock-tools", tools: ["Context"], mock_script: [{ tool: "Context", input: { op: "self" } }, { text: "probed" }] }),
  testAgent({
    name: "recurse",
    provider: "mock",
    model: "mock-tools",
    tools: ["Agent"],
    mock_script: [{ tool: "Agent", input: { name: "recurse", prompt: "deeper" } }, { text: "level done" }],
  }),
];

type TestRuntime = Awaited<ReturnType<typeof startTestRuntime>>;

const post = (url: string, body: unknown): Promise<any> =>
  fetchJson(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) });

/** Runs the orchestrator with a script and returns its SSE frames. */
async function orchestrate(runtime: TestRuntime, script: unknown[], extra: Record<string, unknown> = {}): Promise<SseFrame[]> {
  return allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "orchestrator", prompt: "go", metadata: { mock_script: script }, ...extra }));
}

function toolResults(frames: readonly SseFrame[]): { text: string; is_error: boolean }[] {
  return frames.filter((frame) => frame.event === "tool_result").map((frame) => frame.data as { text: string; is_error: boolean });
}

/** The `Context op=self` report a child made, read from the child's own transcript. */
async function childSelfReport(runtime: TestRuntime, spawnResult: string): Promise<{ tool: { text: string; is_error: boolean } }> {
  const agentId = /^\[sub-agent agent_id=([A-Za-z0-9_-]+)\]/.exec(spawnResult)?.[1];
  const status = await fetchJson(`${runtime.url}/v1/agents/${agentId}`);
  const transcript = await fetchJson(`${runtime.url}/v1/sessions/${status.session_id}/transcript`);
  const result = transcript.events.find((row: { type: string }) => row.type === "tool_result");
  return { tool: result.event };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(["pglite", "postgres"] as const)("the Agent tool (%s store)", (kind) => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime(kind, { agents: AGENTS, network: { hostAllowlist: ["*"], privateHostAllowlist: [], searxngUrl: null } });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("parallel_spawn fans out to 8 children and answers their texts index-aligned", async () => {
    const spawns = Array.from({ length: 8 }, (_, index) => ({ name: "echo-child", prompt: `task ${index}` }));
    const frames = await orchestrate(runtime, [{ tool: "Agent", input: { op: "parallel_spawn", spawns } }, { text: "all done" }]);
    const [result] = toolResults(frames);
    expect(result?.is_error).toBe(false);
    const outcomes = JSON.parse(result?.text ?? "[]") as { ok: boolean; output: string; error: string | null; agent_id: string; run_id: string }[];
    expect(outcomes.map((outcome) => outcome.output)).toEqual(spawns.map((spawn) => `You said: ${spawn.prompt}`));
    expect(outcomes.every((outcome) => outcome.ok && outcome.error === null)).toBe(true);
    const child = await fetchJson(`${runtime.url}/v1/agents/${outcomes[3]?.agent_id}`);
    const parentId = (frames.find((frame) => frame.event === "agent")?.data as { agent_id: string }).agent_id;
    expect(child).toMatchObject({ run_id: outcomes[3]?.run_id, agent: "echo-child", status: "completed", parent_agent_id: parentId });
    expect(await fetchJson(`${runtime.url}/v1/agents/${parentId}`)).toMatchObject({ parent_agent_id: null, status: "completed" });
    // A child is a real stored run: streamable like any other.
    const replay = await allFrames(await openSse(`${runtime.url}/v1/runs/${outcomes[3]?.run_id}/stream`));
    expect(replay[0]).toMatchObject({ event: "agent", data: { agent_id: outcomes[3]?.agent_id, parent_agent_id: parentId } });
    expect(replay.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "end_turn" } });
  });

  it("spawn answers the child's final text prefixed with its agent_id, and a child runs in a fresh session as the same user", async () => {
    const frames = await orchestrate(runtime, [{ tool: "Agent", input: { name: "echo-child", prompt: "hello" } }, { text: "ok" }], { user_id: "u-spawn" });
    const [result] = toolResults(frames);
    expect(result).toMatchObject({ is_error: false });
    expect(result?.text).toMatch(/^\[sub-agent agent_id=sub-[0-9a-f]{40}\] You said: hello$/);
    const agentId = /agent_id=([^\]]+)/.exec(result?.text ?? "")?.[1];
    const child = await fetchJson(`${runtime.url}/v1/agents/${agentId}`);
    const parentSession = (frames.find((frame) => frame.event === "agent")?.data as { session_id: string }).session_id;
    expect(child.user_id).toBe("u-spawn");
    expect(child.session_id).not.toBe(parentSession);
  });

  it("runs at most max_concurrent_children at once", async () => {
    const spawns = Array.from({ length: 4 }, () => ({ name: "nap-child", prompt: "nap" }));
    const started = Date.now();
    const frames = await allFrames(
      await postSse(`${runtime.url}/v1/runs`, { agent: "pair", prompt: "go", metadata: { mock_script: [{ tool: "Agent", input: { op: "parallel_spawn", spawns } }, { text: "done" }] } }),
    );
    // Four 400 ms children, two at a time: two rounds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    const outcomes = JSON.parse(toolResults(frames)[0]?.text ?? "[]") as { ok: boolean; output: string }[];
    expect(outcomes.map((outcome) => outcome.output)).toEqual(["napped", "napped", "napped", "napped"]);
  });

  it("reports an unknown agent, a missing prompt and a bad spawns entry to the model as readable tool errors", async () => {
    const calls = [
      { tool: "Agent", input: { name: "nope", prompt: "x" } },
      { tool: "Agent", input: { name: "echo-child" } },
      { tool: "Agent", input: { op: "parallel_spawn", spawns: [{ name: "echo-child", prompt: "fine" }, { name: "echo-child", prompt: "" }] } },
      { tool: "Agent", input: { op: "parallel_spawn", spawns: [{ name: "nope", prompt: "x" }, { name: "echo-child", prompt: "fine" }] } },
      { tool: "Agent", input: { op: "fork" } },
    ];
    const results = toolResults(await orchestrate(runtime, [{ tools: calls }, { text: "done" }]));
    expect(results).toHaveLength(5);
    const byStart = (prefix: string): { text: string; is_error: boolean } | undefined => results.find((result) => result.text.includes(prefix));
    expect(byStart('agent "nope" does not exist')).toMatchObject({ is_error: true });
    expect(byStart('agent "nope" does not exist')?.text).not.toMatch(/orchestrator|echo-child/);
    expect(byStart("Agent: prompt:")).toMatchObject({ is_error: true, text: "Agent: prompt: required: the text the sub-agent starts with" });
    expect(byStart("spawns[1].prompt")).toMatchObject({ is_error: true, text: "Agent: spawns[1].prompt: must not be empty" });
    expect(byStart("unknown op")).toMatchObject({ is_error: true });
    // A bad child in a parallel_spawn errs in its own slot; its sibling still runs.
    const mixed = results.find((result) => result.text.startsWith("[{"));
    const outcomes = JSON.parse(mixed?.text ?? "[]") as { ok: boolean; output: string; error: string | null; run_id: string | null }[];
    expect(outcomes[0]).toMatchObject({ ok: false, run_id: null, error: expect.stringContaining("does not exist") });
    expect(outcomes[1]).toMatchObject({ ok: true, output: "You said: fine" });
  });

  it("refuses a spawn from depth 16 with a readable error, and no run is deeper than 16", async () => {
    const body = await post(`${runtime.url}/v1/runs`, { agent: "recurse", prompt: "start", agent_id: `deep-${kind}` });
    expect(body).toMatchObject({ status: "completed", final_text: "level done" });
    const runs = (await runtime.store.listRuns({ limit: 1000 })).filter((run) => run.root_run_id === body.run_id);
    expect(runs.map((run) => run.depth).sort((a, b) => a - b)).toEqual(Array.from({ length: 17 }, (_, depth) => depth));
    const deepest = runs.find((run) => run.depth === 16);
    const events = await runtime.store.listRunEvents(deepest?.id ?? "", 0);
    const refusal = events.map((stored) => stored.event).find((event) => event.type === "tool_result");
    expect(refusal).toMatchObject({ is_error: true, text: expect.stringContaining("the depth cap is 16") });
  });

  it("gives a child only its own agent's tools, and passes the parent's allowed_hosts narrowing on", async () => {
    const probe = [{ tool: "Agent", input: { name: "prober", prompt: "who am i" } }, { text: "done" }];
    const open = await childSelfReport(runtime, toolResults(await orchestrate(runtime, probe))[0]?.text ?? "");
    // The parent may call Agent and Context; the child lists only Context and gets only Context.
    expect(JSON.parse(open.tool.text)).toMatchObject({ agent: "prober", tools: ["Context"], allowed_hosts: ["*"] });
    const narrowed = await childSelfReport(runtime, toolResults(await orchestrate(runtime, probe, { allowed_hosts: [] }))[0]?.text ?? "");
    expect(JSON.parse(narrowed.tool.text)).toMatchObject({ tools: ["Context"], allowed_hosts: [] });
    // The parent's caller narrowing of tools reaches the child too: with tools ["Agent"], Context is gone.
    const noContext = await childSelfReport(runtime, toolResults(await orchestrate(runtime, probe, { tools: ["Agent"] }))[0]?.text ?? "");
    expect(noContext.tool).toMatchObject({ is_error: true, text: expect.stringContaining('tool "Context" is not available') });
  });

  it("cancelling the parent cancels all 8 slow children; none stays running or queued", async () => {
    const agentId = `fan-${kind}`;
    const spawns = Array.from({ length: 8 }, (_, index) => ({ name: "slow-child", prompt: `slow ${index}` }));
    const script = [{ tool: "Agent", input: { op: "parallel_spawn", spawns } }, { text: "never" }];
    const stream = await postSse(`${runtime.url}/v1/runs`, { agent: "orchestrator", prompt: "go", agent_id: agentId, metadata: { mock_script: script } });
    const parent = await fetchJson(`${runtime.url}/v1/agents/${agentId}`);
    const children = spawns.map((_, index) => childAgentId(parent.run_id, "mock-0-0", index));
    const status = async (id: string): Promise<string> => (await fetch(`${runtime.url}/v1/agents/${id}`)).status === 200 ? (await fetchJson(`${runtime.url}/v1/agents/${id}`)).status : "absent";
    await waitFor(async () => (await Promise.all(children.map(status))).every((value) => value === "running"), 5_000);

    const cancel = await post(`${runtime.url}/v1/agents/${agentId}/cancel`, {});
    expect(cancel).toMatchObject({ cancelled: true, agent_id: agentId });
    expect([...cancel.cascaded].sort()).toEqual([...children].sort());
    const started = Date.now();
    await waitFor(async () => (await Promise.all(children.map(status))).every((value) => value === "cancelled"), 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    const frames = await allFrames(stream);
    expect(frames.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "cancelled" } });
    const outcomes = JSON.parse(toolResults(frames)[0]?.text ?? "[]") as { ok: boolean; error: string }[];
    expect(outcomes).toHaveLength(8);
    expect(outcomes.every((outcome) => !outcome.ok && outcome.error === "the sub-agent was cancelled")).toBe(true);
    expect(await fetchJson(`${runtime.url}/v1/agents/${agentId}`)).toMatchObject({ status: "cancelled" });
  });
});

const BOSS_AGENT = `---
name: boss
description: spawns one slow sub-agent
provider: mock
model: mock-tools
tools: Agent
---
Delegate.
`;

const SLEEPER_AGENT = `---
name: sleeper
description: a slow child
provider: mock
model: mock-tools
mock_script: [{ text: "woke up", delay_ms: 2500 }]
---
Sleep.
`;

describe.each(["pglite", "postgres"] as const)("a parent killed while its sub-agent runs (%s store)", (kind) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("resumes, re-executes the Agent call and follows the same child instead of starting another", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lc-spawn-crash-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, "agents"));
    await writeFile(join(dir, "agents", "boss.md"), BOSS_AGENT);
    await writeFile(join(dir, "agents", "sleeper.md"), SLEEPER_AGENT);
    const env: Record<string, string> = { LOOMCYCLE_HEARTBEAT_INTERVAL_MS: "200", LOOMCYCLE_HEARTBEAT_STALE_MS: "1500" };
    if (kind === "postgres") {
      const database = await isolatedDatabaseUrl();
      cleanup.push(database.dispose);
      env["LOOMCYCLE_DATABASE_URL"] = database.url;
    }
    const boot = async (): Promise<string> => {
      const server = await startServer({ args: ["--data-dir", join(dir, "data"), "--agents-dir", join(dir, "agents")], env });
      cleanup.push(() => server.stop("SIGKILL"));
      return server.url;
    };
    const user = `crash-${kind}`;
    const first = await boot();
    const script = [{ tool: "Agent", input: { name: "sleeper", prompt: "nap" } }, { text: "boss done" }];
    await postSse(`${first}/v1/runs`, { agent: "boss", prompt: "go", agent_id: `boss-${kind}`, user_id: user, metadata: { mock_script: script } });
    const parent = await fetchJson(`${first}/v1/agents/boss-${kind}`);
    const child = childAgentId(parent.run_id, "mock-0-0", 0);
    await waitFor(async () => (await fetch(`${first}/v1/agents/${child}`)).status === 200, 5_000);
    await (cleanup.at(-1) as () => Promise<void>)();

    const second = await boot();
    await waitFor(async () => (await fetchJson(`${second}/v1/agents/boss-${kind}`)).status === "completed", 20_000);
    const transcript = await fetchJson(`${second}/v1/sessions/${parent.session_id}/transcript`);
    const results = transcript.events.filter((row: { type: string }) => row.type === "tool_result").map((row: { event: { text: string } }) => row.event.text);
    expect(results).toEqual([`[sub-agent agent_id=${child}] woke up`]);
    const runs = await fetchJson(`${second}/v1/users/${user}/agents`);
    expect(runs.agents.map((run: { agent: string }) => run.agent).sort()).toEqual(["boss", "sleeper"]);
    expect(runs.agents.find((run: { agent: string }) => run.agent === "sleeper")).toMatchObject({ agent_id: child, parent_agent_id: `boss-${kind}`, status: "completed" });
  });
});
