import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allFrames, postSse } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime } from "../support/test-runtime.ts";

const CODE = `
function run(input) {
  var first = Context({ op: "self" });
  var second = Context({ op: "self" });
  return "agent " + first.agent + " saw " + second.tools.length + " tool(s) for: " + input.prompt;
}`;

describe("a code-js agent over HTTP", () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    const coder = { ...TEST_AGENTS[0]!, name: "coder", provider: "code-js", model: "coder", tools: ["Context"], code: CODE, source: "config" as const };
    runtime = await startTestRuntime("pglite", { agents: [...TEST_AGENTS, coder] });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("runs operator JavaScript that calls two tools, with zero tokens", async () => {
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "coder", prompt: "count" }));
    const names = frames.map((frame) => frame.event);
    expect(names.filter((name) => name === "tool_call")).toHaveLength(2);
    expect(frames.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toBe("agent coder saw 1 tool(s) for: count");
    expect(frames.at(-1)?.data).toMatchObject({ type: "done", stop_reason: "end_turn", usage: { input_tokens: 0, output_tokens: 0 } });
  });
});
