import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allFrames, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { startTestRuntime, testConfig } from "../support/test-runtime.ts";

type Json = Record<string, unknown>;

/**
 * A run executes the AgentDef version it was accepted with: a promote while it waits in the queue
 * (or before it resumes after a crash) does not change the agent under it. One worker slot and a
 * slow run in it keep the pinned run queued while the definition changes.
 */
describe("agent definition pinning", () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;

  beforeAll(async () => {
    runtime = await startTestRuntime("pglite", { limits: { ...testConfig().limits, maxConcurrentRuns: 1 } });
  });
  afterAll(() => runtime.dispose());

  const agentDef = async (body: Json): Promise<Json> => {
    const response = await fetch(`${runtime.url}/v1/_agentdef`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    return (await response.json()) as Json;
  };
  const contextCall = (frames: SseFrame[]): Json | undefined => frames.find((frame) => frame.event === "tool_result")?.data;
  const script = [{ tool: "Context", input: { op: "self" } }, { text: "done" }];

  it("runs the version a queued run was accepted with, while new runs get the promoted one", async () => {
    await agentDef({ op: "create", name: "pinned", overlay: { provider: "mock", model: "mock-tools", system_prompt: "v1", tools: ["Context"] } });
    const blocker = await postSse(`${runtime.url}/v1/runs`, { agent: "scripted", prompt: "hold the slot", metadata: { mock_script: [{ delay_ms: 1500, text: "slow" }] } });
    const queued = await postSse(`${runtime.url}/v1/runs`, { agent: "pinned", prompt: "go", metadata: { mock_script: script } });

    const fork = await agentDef({ op: "fork", name: "pinned", overlay: { tools: [] } });
    await agentDef({ op: "promote", def_id: fork["def_id"] });

    const pinned = contextCall(await allFrames(queued));
    expect(pinned, JSON.stringify(pinned)).toMatchObject({ is_error: false });
    expect(String(pinned?.["text"])).toContain("Context");
    await allFrames(blocker);

    const fresh = contextCall(await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "pinned", prompt: "go", metadata: { mock_script: script } })));
    expect(fresh).toMatchObject({ is_error: true });
    expect(String(fresh?.["text"])).toContain("not available");
  });
});
