import { describe, expect, it } from "vitest";
import { mapFinishReason } from "./map-finish-reason.ts";

describe("openai mapFinishReason", () => {
  it.each([
    ["stop", 0, "end_turn"],
    ["length", 0, "max_tokens"],
    ["content_filter", 0, "end_turn"],
    ["tool_calls", 2, "tool_use"],
    ["stop", 1, "tool_use"],
    ["tool_calls", 0, "end_turn"],
    [null, 0, "end_turn"],
  ] as const)("maps %s with %i tool calls to %s", (reason, toolCalls, expected) => {
    expect(mapFinishReason(reason, { toolCalls })).toBe(expected);
  });
});
