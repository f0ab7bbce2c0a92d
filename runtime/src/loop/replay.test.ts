import { describe, expect, it } from "vitest";
import type { RunEvent, StoredEvent } from "../domain/index.ts";
import { replayTranscript } from "./replay.ts";

function stored(runId: string, events: RunEvent[]): StoredEvent[] {
  return events.map((event, index) => ({ run_id: runId, session_id: "s", seq: index + 1, ts_ms: 0, event }));
}

const usage = { type: "usage", usage: { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } as const;
const input = (text: string): RunEvent => ({ type: "user_input", segments: [{ role: "user", content: [{ type: "text", text }] }] });
const call = { id: "t1", name: "Context", input: { op: "self" } };

describe("replayTranscript", () => {
  it("rebuilds user, assistant and tool-result turns of a finished run", () => {
    const events = stored("r1", [
      input("hi"),
      { type: "system_prompt", system_prompt: "s", agent: "a" },
      { type: "started" },
      { type: "text", text: "let me " },
      { type: "text", text: "look" },
      { type: "tool_call", tool_use: call },
      usage,
      { type: "tool_result", tool_use: call, text: "{}", is_error: false },
      { type: "text", text: "done" },
      usage,
      { type: "done", stop_reason: "end_turn", usage: usage.usage },
    ]);
    const { messages, iterations } = replayTranscript(events);
    expect(messages).toEqual([
      { role: "user", content: [{ type: "text", text: "hi" }] },
      { role: "assistant", content: [{ type: "text", text: "let me look" }, { type: "tool_use", ...call }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", text: "{}", is_error: false }] },
      { role: "assistant", content: [{ type: "text", text: "done" }] },
    ]);
    expect(iterations.get("r1")).toBe(2);
  });

  it("keeps a thinking block's signature so the next turn can echo it to the provider", () => {
    const events = stored("r1", [
      input("hi"),
      { type: "thinking", text: "let me ", signature: undefined },
      { type: "thinking", text: "think", signature: "sig-1" },
      { type: "text", text: "ok" },
      usage,
    ]);
    expect(replayTranscript(events).messages[1]).toEqual({
      role: "assistant",
      content: [{ type: "thinking", text: "let me think", signature: "sig-1" }, { type: "text", text: "ok" }],
    });
  });

  it("leaves a resuming run's unanswered tool calls open, for the loop to run again", () => {
    const second = { id: "t2", name: "Context", input: { op: "self" } };
    const events = stored("r1", [
      input("go"),
      { type: "started" },
      { type: "tool_call", tool_use: call },
      { type: "tool_call", tool_use: second },
      usage,
      { type: "tool_result", tool_use: call, text: "{}", is_error: false },
      { type: "text", text: "half a turn" },
    ]);
    const resumed = replayTranscript(events, { openRun: "r1" });
    expect(resumed.pendingToolCalls).toEqual([second]);
    expect(resumed.messages.at(-1)).toEqual({ role: "user", content: [{ type: "tool_result", tool_use_id: "t1", text: "{}", is_error: false }] });
    expect(replayTranscript(events).pendingToolCalls).toEqual([]);
  });

  it("drops a model turn the process never finished and answers dangling tool calls", () => {
    const first = stored("r1", [input("one"), { type: "tool_call", tool_use: call }, usage, { type: "text", text: "partial" }]);
    const second = stored("r2", [input("two")]);
    const { messages } = replayTranscript([...first, ...second]);
    expect(messages).toEqual([
      { role: "user", content: [{ type: "text", text: "one" }] },
      { role: "assistant", content: [{ type: "tool_use", ...call }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", text: "the run stopped before this tool returned", is_error: true }] },
      { role: "user", content: [{ type: "text", text: "two" }] },
    ]);
  });
});

describe("replayTranscript with a compaction marker", () => {
  it("resets to the first message, the summary and the kept tail, then continues", () => {
    const events = stored("r1", [
      input("task"),
      { type: "text", text: "a" },
      usage,
      input("more"),
      { type: "text", text: "b" },
      usage,
      { type: "context_compaction", context_compaction: { summary: "S", before_tokens: 9, after_tokens: 5, keep_n: 2, keep_first: true, trigger: "manual" } },
      input("next"),
    ]);
    expect(replayTranscript(events).messages).toEqual([
      { role: "user", content: [{ type: "text", text: "task" }] },
      { role: "user", content: [{ type: "text", text: "Summary of the earlier conversation: S" }] },
      { role: "user", content: [{ type: "text", text: "more" }] },
      { role: "assistant", content: [{ type: "text", text: "b" }] },
      { role: "user", content: [{ type: "text", text: "next" }] },
    ]);
  });
});
