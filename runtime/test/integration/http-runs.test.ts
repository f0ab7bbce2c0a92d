import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allFrames, fetchJson, openSse, postSse, readJson } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { startTestRuntime } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

const twoToolTurns = [
  { tools: [{ tool: "Context", input: { op: "self" } }, { tool: "Context", input: { op: "self" } }] },
  { text: "finished" },
];

function texts(frames: SseFrame[]): string {
  return frames.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("");
}

describe.each<StoreKind>(["pglite", "postgres"])("HTTP runs over a real socket (%s store)", (kind) => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    runtime = await startTestRuntime(kind, { mock: { latencyMs: 0, failRate: 0 } });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("streams session, agent, started, text…, usage, done for a prompt", async () => {
    const response = await postSse(`${runtime.url}/v1/runs`, { agent: "default", prompt: "hi" });
    expect(response.status).toBe(200);
    expect(response.contentType).toContain("text/event-stream");
    const frames = await allFrames(response);
    const names = frames.map((frame) => frame.event);
    expect(names.slice(0, 3)).toEqual(["session", "agent", "started"]);
    expect(names.slice(-2)).toEqual(["usage", "done"]);
    expect(names.filter((name) => name === "text").length).toBeGreaterThan(1);
    expect(texts(frames)).toBe("You said: hi");
    const session = frames[0] as SseFrame;
    const agent = frames[1] as SseFrame;
    expect(session.data).toEqual({ type: "session", text: agent.data["session_id"] });
    expect(agent.data).toMatchObject({ run_id: expect.stringMatching(/^run_/), agent_id: expect.stringMatching(/^agt_/) });
    expect(frames.at(-1)?.data).toMatchObject({ type: "done", stop_reason: "end_turn", usage: { input_tokens: expect.any(Number) } });
  });

  it("accepts loomcycle segments with trusted-text and numbers frames with their seq", async () => {
    const segments = [{ role: "user", content: [{ type: "trusted-text", text: "Hello" }] }];
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "default", segments }));
    expect(texts(frames)).toBe("You said: Hello");
    const ids = frames.filter((frame) => frame.id !== undefined).map((frame) => Number(frame.id));
    expect(ids).toEqual(ids.map((_, index) => (ids[0] as number) + index));
  });

  it("runs tool turns: tool_call and tool_result frames between the model's turns", async () => {
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "scripted", prompt: "go", metadata: { mock_script: twoToolTurns } }));
    const names = frames.map((frame) => frame.event);
    expect(names.filter((name) => name === "tool_call")).toHaveLength(2);
    expect(names.filter((name) => name === "tool_result")).toHaveLength(2);
    const result = frames.find((frame) => frame.event === "tool_result") as SseFrame;
    expect(result.data).toMatchObject({ is_error: false, tool_use: { name: "Context" } });
    expect(texts(frames)).toBe("finished");
  });

  it("answers the finished run as JSON for Accept: application/json", async () => {
    const response = await fetch(`${runtime.url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ agent: "default", prompt: "json please", user_id: "u-json" }),
    });
    expect(response.status).toBe(200);
    const body = await readJson(response);
    expect(body).toMatchObject({ status: "completed", stop_reason: "end_turn", final_text: "You said: json please", error: null });
    const status = await fetchJson(`${runtime.url}/v1/runs/${body.run_id}`);
    expect(status).toMatchObject({ run_id: body.run_id, status: "completed", user_id: "u-json", live: false });
    expect(status.usage.output_tokens).toBeGreaterThan(0);
  });

  it("replays a finished run from from_seq and ends the stream", async () => {
    const live = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "default", prompt: "replay me" }));
    const runId = (live[1] as SseFrame).data["run_id"];
    const replay = await allFrames(await openSse(`${runtime.url}/v1/runs/${runId}/stream?from_seq=0`));
    expect(replay[0]?.event).toBe("agent");
    expect(replay.slice(1).map((frame) => frame.data)).toEqual(live.slice(2).map((frame) => frame.data));
    const cut = Number(replay[3]?.id);
    const tail = await allFrames(await openSse(`${runtime.url}/v1/runs/${runId}/stream?from_seq=${cut}`));
    expect(tail.slice(1).map((frame) => Number(frame.id))).toEqual(replay.slice(4).map((frame) => Number(frame.id)));
  });

  it("keeps the transcript: user_input and system_prompt first, then every event in order", async () => {
    const live = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "default", prompt: "remember" }));
    const sessionId = (live[0] as SseFrame).data["text"];
    const transcript = await fetchJson(`${runtime.url}/v1/sessions/${sessionId}/transcript`);
    expect(transcript.session).toMatchObject({ id: sessionId, agent: "default" });
    expect(transcript.events.map((event: { type: string }) => event.type).slice(0, 3)).toEqual(["user_input", "system_prompt", "started"]);
    expect(transcript.events[0].payload).toEqual([{ role: "user", content: [{ type: "text", text: "remember" }] }]);
    expect(transcript.events.map((event: { seq: number }) => event.seq)).toEqual(transcript.events.map((_: unknown, index: number) => index + 1));
  });

  it("continues a session on its replayed history", async () => {
    const script = [{ text: "first answer" }, { text: "second answer" }];
    const first = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "scripted", prompt: "one", metadata: { mock_script: script } }));
    const sessionId = (first[0] as SseFrame).data["text"];
    const second = await allFrames(await postSse(`${runtime.url}/v1/sessions/${sessionId}/messages`, { prompt: "two", metadata: { mock_script: script } }));
    // mock-tools picks its step by the assistant turns it is shown: "second answer" proves the history was replayed.
    expect(texts(second)).toBe("second answer");
    expect((second[1] as SseFrame).data["session_id"]).toBe(sessionId);
    const transcript = await fetchJson(`${runtime.url}/v1/sessions/${sessionId}/transcript`);
    expect(new Set(transcript.events.map((event: { run_id: string }) => event.run_id)).size).toBe(2);
  });

  it("lists a user's runs and reports one by its agent_id", async () => {
    await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "default", prompt: "a", user_id: "alice", agent_id: "alice-job-1" }));
    const status = await fetchJson(`${runtime.url}/v1/agents/alice-job-1`);
    expect(status).toMatchObject({ agent_id: "alice-job-1", user_id: "alice", status: "completed", agent: "default" });
    const list = await fetchJson(`${runtime.url}/v1/users/alice/agents?status=completed`);
    expect(list.agents.map((agent: { agent_id: string }) => agent.agent_id)).toContain("alice-job-1");
    const none = await fetchJson(`${runtime.url}/v1/users/alice/agents?status=running`);
    expect(none.agents).toEqual([]);
  });

  it("lists the configured agents", async () => {
    const body = await fetchJson(`${runtime.url}/v1/_runnable-agents`);
    expect(body.agents.map((agent: { name: string }) => agent.name)).toEqual(["default", "scripted"]);
  });

  it("reports health, readiness and Prometheus metrics", async () => {
    expect(await fetchJson(`${runtime.url}/healthz`)).toMatchObject({ ok: true, version: expect.any(String) });
    expect(await fetchJson(`${runtime.url}/readyz`)).toEqual({ ok: true });
    const metrics = await (await fetch(`${runtime.url}/metrics`)).text();
    expect(metrics).toMatch(/loomcycle_runs_started_total \d+/);
    expect(metrics).toContain('loomcycle_runs_finished_total{status="completed"}');
  });
});
