import { describe, expect, it } from "vitest";
import type { RunEvent, StoredEvent } from "../../domain/index.ts";
import { replayTranscript, runLoop } from "../../loop/index.ts";
import { contextTool } from "../../tools/index.ts";
import { loopInput, userText } from "../../../test/support/loop-fixtures.ts";
import { createCodeJsChatModel } from "./index.ts";

const CODE = `
function run(input) {
  const self = Context({ op: "self" });
  let refused = "";
  try {
    Context({ op: "history" });
  } catch (error) {
    refused = error.message;
  }
  return input.prompt + ": " + self.agent + " on " + self.run_id + " may call " + self.tools.join(",") + "; " + refused;
}`;

const FINAL_TEXT = 'hi: a on run_1 may call Context; Context: unknown op "history"; supported: self, compact, help';

function stored(events: RunEvent[]): StoredEvent[] {
  return events.map((event, index) => ({ run_id: "run_1", session_id: "ses_1", seq: index + 1, ts_ms: 0, event }));
}

describe("code-js under the real loop", () => {
  it("runs the agent's code through two Context calls to a final text, with zero usage", async () => {
    const model = createCodeJsChatModel({ model: "a", code: CODE });
    const input = loopInput({ model, tools: [contextTool] });
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "completed", stop_reason: "end_turn", usage: { input_tokens: 0, output_tokens: 0 } });
    expect(input.sink.types()).toEqual(["started", "tool_call", "usage", "tool_result", "tool_call", "usage", "tool_result", "text", "usage", "done"]);
    const calls = input.sink.events.flatMap((event) => (event.type === "tool_call" ? [event.tool_use] : []));
    expect(calls).toEqual([
      { id: "cjs-0", name: "Context", input: { op: "self" } },
      { id: "cjs-1", name: "Context", input: { op: "history" } },
    ]);
    const results = input.sink.events.flatMap((event) => (event.type === "tool_result" ? [event.is_error] : []));
    expect(results).toEqual([false, true]);
    expect(input.sink.events.find((event) => event.type === "text")).toEqual({ type: "text", text: FINAL_TEXT });
    expect(input.sink.events.find((event) => event.type === "usage")).toMatchObject({ usage: { model: "a", provider: "code-js", max_context_tokens: 0 } });
  });

  it("resumes from the stored transcript on a fresh model instance and reaches the same text", async () => {
    const firstProcess = loopInput({ model: createCodeJsChatModel({ model: "a", code: CODE }), tools: [contextTool], maxIterations: 1 });
    expect(await runLoop(firstProcess)).toMatchObject({ status: "completed", stop_reason: "max_iterations" });
    const transcript = stored([{ type: "user_input", segments: [{ role: "user", content: [{ type: "text", text: "hi" }] }] }, ...firstProcess.sink.events]);
    const { messages, iterations } = replayTranscript(transcript);
    expect(messages[0]).toEqual(userText("hi"));
    const secondProcess = loopInput({
      model: createCodeJsChatModel({ model: "a", code: CODE }),
      tools: [contextTool],
      history: messages,
      iterationsDone: iterations.get("run_1") ?? 0,
    });
    expect(await runLoop(secondProcess)).toMatchObject({ status: "completed", stop_reason: "end_turn" });
    expect(secondProcess.sink.types()).toEqual(["started", "tool_call", "usage", "tool_result", "text", "usage", "done"]);
    expect(secondProcess.sink.events.find((event) => event.type === "text")).toEqual({ type: "text", text: FINAL_TEXT });
  });

  it("fails the run with provider_error when the code throws", async () => {
    const model = createCodeJsChatModel({ model: "a", code: `function run() { throw new Error("no plan"); }` });
    const input = loopInput({ model, tools: [contextTool] });
    expect(await runLoop(input)).toMatchObject({ status: "failed", error: "code_agent_threw: no plan" });
    expect(input.sink.events.at(-1)).toEqual({ type: "error", error: "code_agent_threw: no plan", code: "provider_error" });
  });
});
