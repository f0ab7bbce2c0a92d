import { describe, expect, it } from "vitest";
import { mapResponseParts } from "./map-response-parts.ts";
import { mapUsage } from "./map-usage.ts";

function ids(): () => string {
  let slot = 0;
  return () => `lc-1-${slot++}`;
}

describe("gemini mapResponseParts", () => {
  it("maps thought parts to thinking and other text to text", () => {
    expect(mapResponseParts([{ text: "pondering", thought: true }, { text: "Hello" }, { text: "" }], ids())).toEqual([
      { type: "thinking-delta", text: "pondering" },
      { type: "text-delta", text: "Hello" },
    ]);
  });

  it("synthesizes lc-<turn>-<slot> ids for parallel calls without ids, keeping Gemini's own", () => {
    const parts = mapResponseParts(
      [
        { functionCall: { name: "a", args: { x: 1 } } },
        { functionCall: { id: "g-1", name: "b" } },
        { functionCall: { name: "c", args: {} } },
      ],
      ids(),
    );
    expect(parts).toEqual([
      { type: "tool-call", id: "lc-1-0", name: "a", input: { x: 1 } },
      { type: "tool-call", id: "g-1", name: "b", input: {} },
      { type: "tool-call", id: "lc-1-1", name: "c", input: {} },
    ]);
  });

  it("emits a signature on a non-thought part as an empty thinking delta just before it", () => {
    expect(mapResponseParts([{ functionCall: { name: "a" }, thoughtSignature: "sig" }], ids())).toEqual([
      { type: "thinking-delta", text: "", signature: "sig" },
      { type: "tool-call", id: "lc-1-0", name: "a", input: {} },
    ]);
  });

  it("keeps a signature that arrives on a thought part with it", () => {
    expect(mapResponseParts([{ text: "t", thought: true, thoughtSignature: "sig" }], ids())).toEqual([
      { type: "thinking-delta", text: "t", signature: "sig" },
    ]);
  });
});

describe("gemini mapUsage", () => {
  it("moves cached prompt tokens to cache reads and counts thoughts as output", () => {
    expect(
      mapUsage({ promptTokenCount: 100, cachedContentTokenCount: 40, candidatesTokenCount: 10, thoughtsTokenCount: 5 }),
    ).toEqual({ input_tokens: 60, output_tokens: 15, cache_creation_input_tokens: 0, cache_read_input_tokens: 40 });
  });
  it("is zero without metadata", () => {
    expect(mapUsage(undefined)).toEqual({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });
});
