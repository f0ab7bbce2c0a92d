import { describe, expect, it } from "vitest";
import type { Message, RunEvent, StoredEvent } from "../../src/domain/index.ts";
import { estimateTokens, replayTranscript, runLoop } from "../../src/loop/index.ts";
import type { ChatModel, ModelRequest } from "../../src/providers/index.ts";
import { MockChatModel } from "../../src/providers/index.ts";
import { contextTool } from "../../src/tools/index.ts";
import type { Tool } from "../../src/tools/index.ts";
import { loopInput, userText } from "../support/loop-fixtures.ts";

const WINDOW = 20_000;
const PROMPT = "run the steps";

/** A tool answering 2 KB of text per call. */
const bigTool: Tool = {
  name: "Big",
  description: "returns 2 KB",
  inputSchema: { type: "object" },
  execute: (input) => Promise.resolve({ text: `${JSON.stringify(input)} ${"y".repeat(2048)}`, is_error: false }),
};

/** The mock-tools model, recording every request it receives. */
function recording(): { model: ChatModel; turns: ModelRequest[]; summaries: ModelRequest[] } {
  const inner = new MockChatModel("mock-tools", { latencyMs: 0, failRate: 0 });
  const turns: ModelRequest[] = [];
  const summaries: ModelRequest[] = [];
  const model: ChatModel = {
    provider: inner.provider,
    modelId: inner.modelId,
    stream(request, options) {
      // The loop hands over its live array: keep a copy of what this call saw.
      (request.metadata["loomcycle_summary"] === true ? summaries : turns).push({ ...request, messages: structuredClone(request.messages) });
      return inner.stream(request, options);
    },
  };
  return { model, turns, summaries };
}

/** The run's transcript as the store holds it: the service writes `user_input` first, the loop the rest. */
function asStored(prompt: string, loopEvents: readonly RunEvent[]): StoredEvent[] {
  const events: RunEvent[] = [{ type: "user_input", segments: [{ role: "user", content: [{ type: "text", text: prompt }] }] }, ...loopEvents];
  return events.map((event, index) => ({ run_id: "run_1", session_id: "ses_1", seq: index + 1, ts_ms: 0, event }));
}

describe("a 200-turn tool-heavy run on a 20k-token window", () => {
  it("auto-compacts so every model request fits, keeps every event, and replays to the context the loop used", async () => {
    const steps = Array.from({ length: 200 }, (_, index) => ({ tool: "Big", input: { step: index } }));
    const { model, turns, summaries } = recording();
    const input = loopInput({
      model,
      metadata: { mock_script: [...steps, { text: "all done" }], mock_context_tokens: WINDOW },
      history: [userText(PROMPT)],
      tools: [bigTool],
      maxIterations: 1_000,
      compaction: { policy: { enabled: true, targetPercentage: 10, keepLastN: 4, keepFirst: true, autocompactAtPct: 80 } },
    });
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "completed", stop_reason: "end_turn" });
    expect(turns).toHaveLength(201);
    for (const request of turns) expect(estimateTokens(request.messages, request.system)).toBeLessThan(WINDOW);
    // The script kept its place across compactions: every step's tool ran exactly once, in order.
    const results = input.sink.events.filter((event) => event.type === "tool_result");
    expect(results).toHaveLength(200);
    expect(results.map((event) => (event.type === "tool_result" ? event.tool_use.input["step"] : null))).toEqual(steps.map((_, index) => index));
    const compactions = input.sink.events.filter((event) => event.type === "context_compaction");
    expect(compactions.length).toBeGreaterThan(3);
    expect(compactions.length).toBe(summaries.length);
    expect(compactions.every((event) => event.type === "context_compaction" && event.context_compaction.trigger === "auto")).toBe(true);

    // Replay of the full transcript rebuilds exactly the context of the last model call (plus its answer).
    const replayed = replayTranscript(asStored(PROMPT, input.sink.events)).messages;
    const last = turns.at(-1) as ModelRequest;
    const expected: Message[] = [...last.messages, { role: "assistant", content: [{ type: "text", text: "all done" }] }];
    expect(replayed).toEqual(expected);
  });

  it("compacts when the model asks with Context op=compact, before its next turn", async () => {
    const { model, turns } = recording();
    const script = [{ tool: "Big", input: {} }, { tool: "Big", input: {} }, { tool: "Big", input: {} }, { tool: "Context", input: { op: "compact" } }, { text: "compacted" }];
    const input = loopInput({ model, metadata: { mock_script: script }, tools: [bigTool, contextTool], history: [userText(PROMPT)] });
    const outcome = await runLoop(input);
    expect(outcome.status).toBe("completed");
    const compaction = input.sink.events.find((event) => event.type === "context_compaction");
    expect(compaction).toMatchObject({ context_compaction: { trigger: "self", keep_first: true } });
    const lastRequest = turns.at(-1) as ModelRequest;
    expect(JSON.stringify(lastRequest.messages)).toContain("Summary of the earlier conversation: ");
    expect(lastRequest.messages.length).toBeLessThan(turns.at(-2)?.messages.length ?? 0);
    expect(replayTranscript(asStored(PROMPT, input.sink.events)).messages.slice(0, -1)).toEqual(lastRequest.messages);
  });
});
