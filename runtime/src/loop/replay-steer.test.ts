import { describe, expect, it } from "vitest";
import type { RunEvent, StoredEvent } from "../domain/index.ts";
import { replayTranscript } from "./replay.ts";

function stored(runId: string, events: RunEvent[]): StoredEvent[] {
  return events.map((event, index) => ({ run_id: runId, session_id: "s", seq: index + 1, ts_ms: 0, event }));
}

const usage = { type: "usage", usage: { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } as const;
const segments = (text: string): Extract<RunEvent, { type: "user_input" }>["segments"] => [{ role: "user", content: [{ type: "text", text }] }];
const input = (text: string): RunEvent => ({ type: "user_input", segments: segments(text) });
const steer = (text: string, id: string): RunEvent => ({ type: "user_input", segments: segments(text), source: "steer", input_id: id, input_source: "api" });
const call = { id: "t1", name: "Context", input: { op: "self" } };

describe("replayTranscript of steered input and interactive turns", () => {
  it("rebuilds a user turn steered in after an answer, and records its input id", () => {
    const events = stored("r1", [
      input("hi"),
      { type: "started" },
      { type: "text", text: "hello" },
      usage,
      { type: "awaiting_input", awaiting_input: { since_turn: 1 } },
      steer("and now?", "41"),
      { type: "text", text: "now this" },
      usage,
      { type: "awaiting_input", awaiting_input: { since_turn: 2 } },
    ]);
    const replayed = replayTranscript(events, { openRun: "r1" });
    expect(replayed.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "hi" }] },
      { role: "assistant", content: [{ type: "text", text: "hello" }] },
      { role: "user", content: [{ type: "text", text: "and now?" }] },
      { role: "assistant", content: [{ type: "text", text: "now this" }] },
    ]);
    expect(replayed.inputIds).toEqual(new Set(["41"]));
    expect(replayed.awaitingInput).toBe(true);
    expect(replayed.iterations.get("r1")).toBe(2);
  });

  it("merges a steer taken mid-run after tool results into the results' user message, as the live loop does", () => {
    const events = stored("r1", [
      input("hi"),
      { type: "started" },
      { type: "tool_call", tool_use: call },
      usage,
      { type: "tool_result", tool_use: call, text: "{}", is_error: false },
      steer("also check this", "42"),
      { type: "text", text: "checked" },
      usage,
    ]);
    const replayed = replayTranscript(events, { openRun: "r1" });
    expect(replayed.messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "t1", text: "{}", is_error: false },
        { type: "text", text: "also check this" },
      ],
    });
    expect(replayed.messages).toHaveLength(4);
    expect(replayed.awaitingInput).toBe(false);
  });

  it("drops the model output of a cancelled turn, keeps its tool calls answered, and waits for input", () => {
    const events = stored("r1", [
      input("hi"),
      { type: "started" },
      { type: "tool_call", tool_use: call },
      usage,
      { type: "tool_result", tool_use: call, text: "cancelled by the user", is_error: true },
      { type: "turn_cancelled", turn_cancelled: { reason: "", since_turn: 1 } },
      { type: "awaiting_input", awaiting_input: { since_turn: 1 } },
      steer("try again", "43"),
      { type: "text", text: "half an ans" },
      { type: "turn_cancelled", turn_cancelled: { reason: "no", since_turn: 2 } },
    ]);
    const replayed = replayTranscript(events, { openRun: "r1" });
    expect(replayed.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "hi" }] },
      { role: "assistant", content: [{ type: "tool_use", ...call }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t1", text: "cancelled by the user", is_error: true },
          { type: "text", text: "try again" },
        ],
      },
    ]);
    expect(replayed.pendingToolCalls).toEqual([]);
    expect(replayed.awaitingInput).toBe(true);
  });

  it("a session's next run starts after the steered turns of the one before", () => {
    const events = [
      ...stored("r1", [input("hi"), { type: "text", text: "a" }, usage, steer("more", "44"), { type: "text", text: "b" }, usage, { type: "done", stop_reason: "cancelled", usage: usage.usage }]),
      ...stored("r2", [input("next")]),
    ];
    const replayed = replayTranscript(events, { openRun: "r2" });
    expect(replayed.messages.map((message) => message.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(replayed.awaitingInput).toBe(false);
  });
});
