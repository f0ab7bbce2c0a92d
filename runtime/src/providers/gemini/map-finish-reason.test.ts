import { describe, expect, it } from "vitest";
import { mapFinishReason } from "./map-finish-reason.ts";

describe("gemini mapFinishReason", () => {
  it("reports tool_use whenever the turn produced function calls", () => {
    expect(mapFinishReason("STOP", true)).toBe("tool_use");
  });
  it("maps MAX_TOKENS to max_tokens and everything else to end_turn", () => {
    expect(mapFinishReason("MAX_TOKENS", false)).toBe("max_tokens");
    expect(mapFinishReason("STOP", false)).toBe("end_turn");
    expect(mapFinishReason("SAFETY", false)).toBe("end_turn");
    expect(mapFinishReason(undefined, false)).toBe("end_turn");
  });
});
