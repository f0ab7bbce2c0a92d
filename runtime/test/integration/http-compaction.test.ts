import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm } from "../fake-llm/index.ts";
import { allFrames, fetchJson, postSse } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime } from "../support/test-runtime.ts";

const SECRET = "hunter2-correct-horse-battery";
const KEY = "sk-ant-abcdefghijklmnopqrstuvwxyz0123";

describe("compaction over HTTP and secret redaction, through a real driver and the fake LLM server", () => {
  let fake: FakeLlm;
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    process.env["LC_TEST_REDACT_SECRET"] = SECRET;
    fake = await startFakeLlm();
    const base = { ...TEST_AGENTS[0]!, provider: "anthropic", model: "claude-x", source: "config" as const };
    runtime = await startTestRuntime("pglite", {
      agents: [...TEST_AGENTS, { ...base, name: "claude" }, { ...base, name: "claude-tools", tools: ["Context"] }],
      providerEndpoints: [{ id: "anthropic", driver: "anthropic", baseUrl: fake.baseUrl("anthropic"), apiKeyEnv: null, enabled: true }],
      contextPlugins: { redact: { valuesEnv: ["LC_TEST_REDACT_SECRET"], patterns: true } },
    });
  });
  afterAll(async () => {
    await runtime?.dispose();
    await fake?.close();
    delete process.env["LC_TEST_REDACT_SECRET"];
  });

  async function turn(body: Record<string, unknown>, path = "/v1/runs"): Promise<{ sessionId: string; runId: string }> {
    const frames = await allFrames(await postSse(`${runtime.url}${path}`, body));
    const agent = frames.find((frame) => frame.event === "agent")?.data as { run_id: string; session_id: string };
    expect(frames.at(-1), JSON.stringify(frames)).toMatchObject({ event: "done" });
    return { sessionId: agent.session_id, runId: agent.run_id };
  }

  it("a manual compact of a finished run leaves a marker that the next continuation's first model request applies", async () => {
    fake.reset();
    fake.script("anthropic", [{ text: "reply-one" }, { text: "reply-two" }, { text: "reply-three" }, { text: "SUMMARY-OF-ONE" }, { text: "reply-four" }]);
    const { sessionId } = await turn({ agent: "claude", prompt: "first question" });
    await turn({ prompt: "second question" }, `/v1/sessions/${sessionId}/messages`);
    const { runId } = await turn({ prompt: "third question" }, `/v1/sessions/${sessionId}/messages`);

    const answer = await fetchJson(`${runtime.url}/v1/runs/${runId}/compact`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ reason: "test" }) });
    expect(answer).toMatchObject({ run_id: runId, compacted: true, applied: "marker" });
    expect(answer.before_tokens).toBeGreaterThan(0);

    await turn({ prompt: "fourth question" }, `/v1/sessions/${sessionId}/messages`);
    const first = JSON.stringify(fake.requests.at(-1)?.body);
    expect(first).toContain("Summary of the earlier conversation: SUMMARY-OF-ONE");
    expect(first).toContain("first question");
    expect(first).not.toContain("reply-one");
    expect(first).toContain("reply-three");
    // The transcript keeps everything, the marker included.
    const events = await runtime.store.listSessionEvents(sessionId);
    expect(events.some((stored) => stored.event.type === "text" && stored.event.text.includes("reply-one"))).toBe(true);
    expect(events.find((stored) => stored.event.type === "context_compaction")?.event).toMatchObject({ context_compaction: { trigger: "manual", keep_first: true, summary: "SUMMARY-OF-ONE" } });
  });

  it("refuses to compact a run that is still running (409 run_not_parked)", async () => {
    fake.reset();
    fake.script("anthropic", [{ text: "slow", delayMs: 1_500 }]);
    const pending = postSse(`${runtime.url}/v1/runs`, { agent: "claude", prompt: "wait", agent_id: "busy-run" }).then(allFrames);
    const status = await fetchJson(`${runtime.url}/v1/runs/${await runIdOf("busy-run")}`);
    const response = await fetch(`${runtime.url}/v1/runs/${status.run_id}/compact`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: "run_not_parked" });
    await pending;
  });

  async function runIdOf(agentId: string): Promise<string> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const response = await fetch(`${runtime.url}/v1/agents/${agentId}`);
      if (response.ok) return ((await response.json()) as { run_id: string }).run_id;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no run for ${agentId}`);
  }

  it("never sends a configured secret or an sk- key to the provider, while the transcript keeps them", async () => {
    fake.reset();
    fake.script("anthropic", [{ toolCalls: [{ name: "Context", input: { op: "self" } }] }, { text: "noted" }]);
    const { sessionId } = await turn({ agent: "claude-tools", prompt: `my password is ${SECRET} and my key is ${KEY}`, user_id: SECRET, agent_id: KEY });
    expect(fake.requests).toHaveLength(2);
    for (const request of fake.requests) {
      const body = JSON.stringify(request.body);
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain(KEY);
      expect(body).toContain("[REDACTED]");
    }
    const stored = JSON.stringify(await runtime.store.listSessionEvents(sessionId));
    expect(stored).toContain(SECRET);
    expect(stored).toContain(KEY);
    const toolResult = (await runtime.store.listSessionEvents(sessionId)).find((event) => event.event.type === "tool_result");
    expect(JSON.stringify(toolResult)).toContain(SECRET);
  });
});
