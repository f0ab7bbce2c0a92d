import type { ChatResponse } from "ollama";
import { describe, expect, it } from "vitest";
import { mapChatFrame } from "./map-chat-frame.ts";

function frame(message: Partial<ChatResponse["message"]>): ChatResponse {
  return { model: "m", message: { role: "assistant", content: "", ...message }, done: false } as ChatResponse;
}

function ids(): () => string {
  let slot = 0;
  return () => `lc-2-${slot++}`;
}

describe("ollama mapChatFrame", () => {
  it("maps thinking and content to their deltas", () => {
    expect(mapChatFrame(frame({ thinking: "hmm", content: "Hi" }), ids())).toEqual([
      { type: "thinking-delta", text: "hmm" },
      { type: "text-delta", text: "Hi" },
    ]);
  });

  it("gives parallel tool calls synthesized lc-<turn>-<slot> ids", () => {
    const parts = mapChatFrame(
      frame({ tool_calls: [{ function: { name: "a", arguments: { x: 1 } } }, { function: { name: "b", arguments: {} } }] }),
      ids(),
    );
    expect(parts).toEqual([
      { type: "tool-call", id: "lc-2-0", name: "a", input: { x: 1 } },
      { type: "tool-call", id: "lc-2-1", name: "b", input: {} },
    ]);
  });

  it("parses arguments some models send as a JSON string", () => {
    const parts = mapChatFrame(frame({ tool_calls: [{ function: { name: "a", arguments: '{"q":"x"}' as unknown as Record<string, unknown> } }] }), ids());
    expect(parts).toEqual([{ type: "tool-call", id: "lc-2-0", name: "a", input: { q: "x" } }]);
  });

  it("yields nothing for an empty done frame", () => {
    expect(mapChatFrame({ ...frame({}), done: true }, ids())).toEqual([]);
  });
});
