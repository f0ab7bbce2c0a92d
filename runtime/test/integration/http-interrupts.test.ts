import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "../../src/domain/index.ts";
import { AgentCatalog, InterruptService } from "../../src/service/index.ts";
import { fetchJson, openSse, postSse, readJson } from "../support/sse-client.ts";
import type { SseFrame, SseResponse } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime, testAgent } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";
import { toolContext } from "../support/tool-context.ts";

const asker: Agent = testAgent({
  name: "asker",
  description: "asks its human before it acts",
  provider: "mock",
  model: "mock-tools",
  tools: ["Interruption"],
  interruption: { enabled: true, max_pending: 1 },
  system_prompt: "Ask first.",
});

const silent: Agent = testAgent({
  name: "silent",
  description: "lists Interruption but has no interruption grant",
  provider: "mock",
  model: "mock-tools",
  tools: ["Interruption"],
  system_prompt: "Never ask.",
});

const deployQuestion = { op: "ask", question: "Deploy to prod?", options: ["yes", "no"], context: { change: "v2" }, priority: "high" };

/** A started run whose SSE stream is read step by step. */
interface OpenRun {
  runId: string;
  agentId: string;
  sessionId: string;
  seen: SseFrame[];
  response: SseResponse;
}

async function startRun(url: string, body: Record<string, unknown>): Promise<OpenRun> {
  const response = await postSse(`${url}/v1/runs`, body);
  const seen: SseFrame[] = [];
  const run = { runId: "", agentId: "", sessionId: "", seen, response };
  const agent = await readUntil(run, "agent");
  return { ...run, runId: String(agent.data["run_id"]), agentId: String(agent.data["agent_id"]), sessionId: String(agent.data["session_id"]) };
}

/** Reads frames until one named `event` arrives (and returns it); fails when the stream ends first. */
async function readUntil(run: Pick<OpenRun, "seen" | "response">, event: string): Promise<SseFrame> {
  // next(), not for-await: leaving a for-await loop would close the stream for the next read.
  for (let next = await run.response.frames.next(); next.done !== true; next = await run.response.frames.next()) {
    run.seen.push(next.value);
    if (next.value.event === event) return next.value;
  }
  throw new Error(`stream ended without ${event}; saw ${run.seen.map((frame) => frame.event).join(", ")}`);
}

/** Reads up to the run's `interruption_pending` and returns its interrupt_id. */
async function pendingId(run: OpenRun): Promise<string> {
  const frame = await readUntil(run, "interruption_pending");
  return String((frame.data["interruption"] as Record<string, unknown>)["interrupt_id"]);
}

function toolResults(frames: readonly SseFrame[]): { text: string; is_error: unknown }[] {
  return frames.filter((frame) => frame.event === "tool_result").map((frame) => ({ text: String(frame.data["text"]), is_error: frame.data["is_error"] }));
}

function askScript(input: Record<string, unknown>): unknown[] {
  return [{ tool: "Interruption", input }, { text: "finished" }];
}

describe.each<StoreKind>(["pglite", "postgres"])("Interruption over HTTP+SSE (%s store)", (kind) => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  let url: string;
  const resolve = (run: { runId: string }, interruptId: string, body: unknown): Promise<Response> =>
    fetch(`${url}/v1/runs/${run.runId}/interrupts/${interruptId}/resolve`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  beforeAll(async () => {
    runtime = await startTestRuntime(kind, { agents: [...TEST_AGENTS, asker, silent] });
    url = runtime.url;
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("parks the run on an ask, lists it for the run and the user, and finishes with the answer once resolved", async () => {
    const run = await startRun(url, { agent: "asker", prompt: "ship it", user_id: "alice", metadata: { mock_script: askScript(deployQuestion) } });
    const pending = await readUntil(run, "interruption_pending");
    const interruption = pending.data["interruption"] as Record<string, unknown>;
    expect(interruption).toMatchObject({ kind: "question", question: "Deploy to prod?", options: ["yes", "no"], context: '{"change":"v2"}', priority: "high" });
    const interruptId = String(interruption["interrupt_id"]);
    expect(Date.parse(String(interruption["expires_at"])) - Date.now()).toBeGreaterThan(59 * 60 * 1000);

    const listed = await fetchJson(`${url}/v1/runs/${run.runId}/interrupts`);
    expect(listed.total).toBe(1);
    expect(listed.interrupts[0]).toMatchObject({
      interrupt_id: interruptId,
      run_id: run.runId,
      kind: "question",
      status: "pending",
      question: "Deploy to prod?",
      options: ["yes", "no"],
      context_data: '{"change":"v2"}',
      priority: "high",
      answer: null,
      resolved_at: null,
      user_id: "alice",
      agent_id: run.agentId,
      agent_name: "asker",
    });
    const inbox = await fetchJson(`${url}/v1/users/alice/interrupts?status=pending`);
    expect(inbox.interrupts.map((row: { interrupt_id: string }) => row.interrupt_id)).toContain(interruptId);
    expect(await fetchJson(`${url}/v1/agents/${run.agentId}`)).toMatchObject({ status: "running", awaited_state: "interrupted" });

    const resolved = await resolve(run, interruptId, { kind: "question", answer: "yes", resolved_by: "alice" });
    expect(resolved.status).toBe(200);
    expect(await readJson(resolved)).toMatchObject({ interrupt_id: interruptId, status: "resolved", resolved_at: expect.any(String) });

    const done = await readUntil(run, "done");
    expect(done.data).toMatchObject({ stop_reason: "end_turn" });
    const [result] = toolResults(run.seen);
    expect(result?.is_error).toBe(false);
    expect(JSON.parse(String(result?.text))).toEqual({ status: "answered", interrupt_id: interruptId, answer: "yes" });

    expect(await fetchJson(`${url}/v1/agents/${run.agentId}`)).toMatchObject({ status: "completed", awaited_state: "" });
    const transcript = await fetchJson(`${url}/v1/sessions/${run.sessionId}/transcript`);
    const stored = transcript.events.find((event: { type: string }) => event.type === "tool_result");
    expect(JSON.parse(stored.event.text)).toMatchObject({ status: "answered", answer: "yes" });
    const after = await fetchJson(`${url}/v1/users/alice/interrupts?status=resolved`);
    expect(after.interrupts.find((row: { interrupt_id: string }) => row.interrupt_id === interruptId)).toMatchObject({ answer: "yes", resolved_by: "alice" });
  });

  it("refuses answers outside the options (422), a second resolve (409) and unknown ids (404)", async () => {
    const run = await startRun(url, { agent: "asker", prompt: "go", metadata: { mock_script: askScript(deployQuestion) } });
    const interruptId = await pendingId(run);

    const outside = await resolve(run, interruptId, { answer: "maybe" });
    expect(outside.status).toBe(422);
    expect(await readJson(outside)).toEqual({ code: "answer_not_in_options", error: 'answer "maybe" is not one of the options: "yes", "no"' });
    const unknown = await resolve(run, "int_nope", { answer: "yes" });
    expect(unknown.status).toBe(404);
    expect((await readJson(unknown)).code).toBe("not_found");
    const otherRun = await fetch(`${url}/v1/runs/run_other/interrupts/${interruptId}/resolve`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"answer":"yes"}' });
    expect(otherRun.status).toBe(404);
    expect((await fetch(`${url}/v1/runs/run_missing/interrupts`)).status).toBe(404);

    expect((await resolve(run, interruptId, { answer: "no" })).status).toBe(200);
    const again = await resolve(run, interruptId, { answer: "yes" });
    expect(again.status).toBe(409);
    expect(await readJson(again)).toEqual({ code: "interrupt_not_pending", error: `interrupt ${interruptId} is already resolved (by api)` });
    await readUntil(run, "done");
  });

  it("answers 400 naming the field for bad bodies and filters", async () => {
    const run = await startRun(url, { agent: "asker", prompt: "go", metadata: { mock_script: askScript({ op: "ask", question: "Name?" }) } });
    const interruptId = await pendingId(run);
    const cases: [unknown, string][] = [
      [{}, "answer"],
      [{ answer: "x", disposition: "maybe" }, "disposition"],
      [{ answer: 42 }, "answer"],
      [{ answer: "x", extra: true }, "extra"],
      [{ answer: "x", kind: "approval" }, "kind"],
    ];
    for (const [body, field] of cases) {
      const response = await resolve(run, interruptId, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await readJson(response)) as { error: string }).error.startsWith(`${field}:`)).toBe(true);
    }
    const badFilter = await fetch(`${url}/v1/runs/${run.runId}/interrupts?status=open`);
    expect(badFilter.status).toBe(400);
    expect((await readJson(badFilter)).error).toMatch(/^status/);

    expect((await resolve(run, interruptId, { answer: "Ada" })).status).toBe(200);
    await readUntil(run, "done");
    expect(JSON.parse(toolResults(run.seen)[0]?.text ?? "")).toMatchObject({ status: "answered", answer: "Ada" });
  });

  it("hands a declined question back to the model as declined", async () => {
    const run = await startRun(url, { agent: "asker", prompt: "go", metadata: { mock_script: askScript(deployQuestion) } });
    const interruptId = await pendingId(run);
    const declined = await resolve(run, interruptId, { disposition: "declined", answer: "not today" });
    expect(await readJson(declined)).toMatchObject({ status: "declined" });
    await readUntil(run, "done");
    const [result] = toolResults(run.seen);
    expect(result?.is_error).toBe(false);
    expect(JSON.parse(String(result?.text))).toEqual({ status: "declined", interrupt_id: interruptId, answer: "not today" });
  });

  it("expires an unanswered ask after timeout_ms: an error result for the model, then 410 for a late answer", async () => {
    const run = await startRun(url, { agent: "asker", prompt: "go", user_id: "bob", metadata: { mock_script: askScript({ ...deployQuestion, timeout_ms: 300 }) } });
    const interruptId = await pendingId(run);
    await readUntil(run, "done");
    const [result] = toolResults(run.seen);
    expect(result?.is_error).toBe(true);
    expect(JSON.parse(String(result?.text))).toMatchObject({ status: "expired", interrupt_id: interruptId, error: expect.stringContaining("nobody answered before") });
    const late = await resolve(run, interruptId, { answer: "yes" });
    expect(late.status).toBe(410);
    expect((await readJson(late)).code).toBe("interrupt_expired");
    const expired = await fetchJson(`${url}/v1/users/bob/interrupts?status=expired`);
    expect(expired).toMatchObject({ total: 1, interrupts: [{ interrupt_id: interruptId, status: "expired" }] });
  });

  it("refuses every op for an agent without interruption.enabled, saying how to enable it", async () => {
    const stream = await postSse(`${url}/v1/runs`, { agent: "silent", prompt: "go", metadata: { mock_script: askScript({ op: "ask", question: "May I?" }) } });
    const run = { seen: [] as SseFrame[], response: stream };
    await readUntil(run, "done");
    const [result] = toolResults(run.seen);
    expect(result).toEqual({
      text: 'Interruption: agent "silent" may not interrupt a human: set `interruption: {enabled: true}` in its definition (max_pending caps the open questions per run)',
      is_error: true,
    });
    expect(run.seen.some((frame) => frame.event === "interruption_pending")).toBe(false);
  });

  it("refuses a second pending ask past max_pending, and lists a notify as delivered", async () => {
    const twoAsks = { tools: [{ tool: "Interruption", input: deployQuestion }, { tool: "Interruption", input: { op: "ask", question: "And staging?" } }] };
    const script = [{ tool: "Interruption", input: { op: "notify", message: "starting the deploy", priority: "low" } }, twoAsks, { text: "finished" }];
    const run = await startRun(url, { agent: "asker", prompt: "go", user_id: "carol", metadata: { mock_script: script } });
    const notice = (await readUntil(run, "interruption_notify")).data["interruption"] as Record<string, unknown>;
    expect(notice).toMatchObject({ kind: "notification", message: "starting the deploy", priority: "low" });
    const notificationId = String(notice["interrupt_id"]);
    expect((await readUntil(run, "tool_result")).data).toMatchObject({ text: JSON.stringify({ status: "delivered", interrupt_id: notificationId }), is_error: false });

    const interruptId = await pendingId(run);
    expect((await readUntil(run, "tool_result")).data).toMatchObject({
      text: "Interruption: this run already has 1 pending question(s), the most interruption.max_pending (1) allows: wait for an answer or cancel one first",
      is_error: true,
      tool_use: { input: { question: "And staging?" } },
    });
    const inbox = await fetchJson(`${url}/v1/users/carol/interrupts`);
    expect(inbox.interrupts.map((row: { kind: string; status: string }) => `${row.kind}:${row.status}`)).toEqual(["question:pending", "notification:delivered"]);
    const notResolvable = await resolve(run, notificationId, { answer: "ok" });
    expect(await readJson(notResolvable)).toEqual({ code: "interrupt_not_pending", error: `interrupt ${notificationId} is a notification; only questions take an answer` });

    expect((await resolve(run, interruptId, { answer: "no" })).status).toBe(200);
    expect((await readUntil(run, "done")).data).toMatchObject({ stop_reason: "end_turn" });
  });

  it("keeps a parked run running with a fresh heartbeat, and cancels its question when the run is cancelled", async () => {
    const run = await startRun(url, { agent: "asker", prompt: "go", metadata: { mock_script: askScript(deployQuestion) } });
    const interruptId = await pendingId(run);
    const before = await fetchJson(`${url}/v1/agents/${run.agentId}`);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const parked = await fetchJson(`${url}/v1/agents/${run.agentId}`);
    expect(parked).toMatchObject({ status: "running", live: true });
    expect(Date.parse(parked.last_heartbeat_at)).toBeGreaterThan(Date.parse(before.last_heartbeat_at));
    expect((await fetch(`${url}/v1/agents/${run.agentId}/cancel`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(200);
    expect((await readUntil(run, "done")).data).toMatchObject({ stop_reason: "cancelled" });
    const listed = await fetchJson(`${url}/v1/runs/${run.runId}/interrupts`);
    expect(listed.interrupts[0]).toMatchObject({ interrupt_id: interruptId, status: "cancelled", resolved_by: "run_cancelled" });
    expect((await resolve(run, interruptId, { answer: "yes" })).status).toBe(409);
  });

  describe("the service behind the tool (crash-safety, cross-process answers, op=cancel)", () => {
    let runId: string;
    const agents = new AgentCatalog([asker]);
    beforeAll(async () => {
      const run = await startRun(url, { agent: "default", prompt: "anchor" });
      await readUntil(run, "done");
      runId = run.runId;
    });
    const context = (callId: string, signal = new AbortController().signal): ReturnType<typeof toolContext> =>
      toolContext({ runId, agent: "asker", agentId: "agt_svc", userId: "dave", callId, signal });
    const waitForPending = async (service: InterruptService): Promise<void> => {
      for (let attempt = 0; attempt < 100 && !(await service.hasPendingAsk(runId)); attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    };

    it("answers a re-executed call from the interruption it already made, without asking twice", async () => {
      const service = new InterruptService({ store: runtime.store, agents, pollMs: 50 });
      const first = context("call-replayed");
      const asking = service.ask(first, { question: "Proceed?", options: [], context: null, timeoutMs: null, priority: "normal" });
      await waitForPending(service);
      const [row] = (await service.listForRun("default", runId, ["pending"])).interrupts;
      // Another process answers: this service's waiter only sees it by re-reading the store.
      const elsewhere = new InterruptService({ store: runtime.store, agents });
      await elsewhere.resolve({ tenantId: "default", runId, interruptId: String(row?.interrupt_id), answer: "go ahead", disposition: "answer" });
      expect(await asking).toEqual({ status: "answered", interrupt_id: row?.interrupt_id, answer: "go ahead" });
      expect(first.emitted).toHaveLength(1);

      const replay = context("call-replayed");
      expect(await service.ask(replay, { question: "Proceed?", options: [], context: null, timeoutMs: null, priority: "normal" })).toEqual({
        status: "answered",
        interrupt_id: row?.interrupt_id,
        answer: "go ahead",
      });
      expect(replay.emitted).toEqual([]);
    });

    it("lets the run cancel its own pending ask (op=cancel), and refuses ids that are not its pending asks", async () => {
      const service = new InterruptService({ store: runtime.store, agents });
      const asking = service.ask(context("call-to-cancel"), { question: "Wait?", options: [], context: null, timeoutMs: null, priority: "normal" });
      await waitForPending(service);
      const [row] = (await service.listForRun("default", runId, ["pending"])).interrupts;
      expect(await service.cancel(context("call-cancel"), String(row?.interrupt_id))).toEqual({ interrupt_id: row?.interrupt_id });
      expect(await asking).toEqual({ status: "cancelled", interrupt_id: row?.interrupt_id });
      expect(await service.cancel(context("call-cancel-2"), String(row?.interrupt_id))).toEqual({
        refusal: `cannot cancel: interrupt ${row?.interrupt_id} is already cancelled (by agent:agt_svc)`,
      });
      expect(await service.cancel(context("call-cancel-3"), "int_unknown")).toEqual({ refusal: `cannot cancel: interrupt int_unknown not found in run ${runId}` });
    });
  });
});

describe("GET /v1/runs/{id}/stream re-attaches to a parked run", () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    runtime = await startTestRuntime("pglite", { agents: [...TEST_AGENTS, asker] });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("replays interruption_pending to a client that comes back", async () => {
    const run = await startRun(runtime.url, { agent: "asker", prompt: "go", metadata: { mock_script: askScript(deployQuestion) } });
    const pending = await readUntil(run, "interruption_pending");
    const again = { seen: [] as SseFrame[], response: await openSse(`${runtime.url}/v1/runs/${run.runId}/stream`) };
    expect((await readUntil(again, "interruption_pending")).data).toEqual(pending.data);
    const interruptId = String((pending.data["interruption"] as Record<string, unknown>)["interrupt_id"]);
    await fetch(`${runtime.url}/v1/runs/${run.runId}/interrupts/${interruptId}/resolve`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"answer":"no"}' });
    await readUntil(again, "done");
    await readUntil(run, "done");
  });
});
