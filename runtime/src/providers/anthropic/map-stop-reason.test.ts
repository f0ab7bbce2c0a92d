import { describe, expect, it } from "vitest";
import { mapStopReason } from "./map-stop-reason.ts";

describe("anthropic mapStopReason", () => {
  it.each([
    ["end_turn", "end_turn"],
    ["tool_use", "tool_use"],
    ["max_tokens", "max_tokens"],
    ["model_context_window_exceeded", "max_tokens"],
    ["stop_sequence", "stop_sequence"],
    ["refusal", "end_turn"],
    ["pause_turn", "end_turn"],
    [null, "end_turn"],
  ] as const)("maps %s to %s", (reason, expected) => {
    expect(mapStopReason(reason)).toBe(expected);
  });
});
