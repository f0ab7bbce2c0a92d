import { describe, expect, it } from "vitest";
import type { Message } from "../../domain/index.ts";
import { convertMessages } from "./convert-messages.ts";

describe("gemini convertMessages", () => {
  it("maps user text and images to a user turn with inlineData", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image", media_type: "image/png", data: "iVBORw0K" }] },
    ];
    expect(convertMessages(messages)).toEqual([
      { role: "user", parts: [{ text: "what is this?" }, { inlineData: { mimeType: "image/png", data: "iVBORw0K" } }] },
    ]);
  });

  it("answers each function call with a functionResponse named after the tool that asked", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "weather in Paris and Rome" }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "lc-0-0", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "call_abc", name: "get_time", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "lc-0-0", text: "sunny", is_error: false },
          { type: "tool_result", tool_use_id: "call_abc", text: "no clock", is_error: true },
        ],
      },
    ];
    const [, model, results] = convertMessages(messages);
    expect(model).toEqual({
      role: "model",
      parts: [
        { functionCall: { name: "get_weather", args: { city: "Paris" } } },
        { functionCall: { id: "call_abc", name: "get_time", args: { city: "Rome" } } },
      ],
    });
    expect(results).toEqual({
      role: "user",
      parts: [
        { functionResponse: { name: "get_weather", response: { output: "sunny" } } },
        { functionResponse: { id: "call_abc", name: "get_time", response: { error: "no clock" } } },
      ],
    });
  });

  it("carries a thought back and puts its signature on the function call that followed it", () => {
    const messages: Message[] = [
      {
        role: "assistant",
        content: [
          { type: "thinking", text: "I should look it up", signature: "sig-1" },
          { type: "tool_use", id: "lc-0-0", name: "lookup", input: {} },
          { type: "tool_use", id: "lc-0-1", name: "lookup", input: { q: 2 } },
        ],
      },
    ];
    expect(convertMessages(messages)[0]?.parts).toEqual([
      { text: "I should look it up", thought: true },
      { functionCall: { name: "lookup", args: {} }, thoughtSignature: "sig-1" },
      { functionCall: { name: "lookup", args: { q: 2 } } },
    ]);
  });

  it("keeps a trailing signature on an empty text part, as Gemini sent it", () => {
    const messages: Message[] = [
      { role: "assistant", content: [{ type: "text", text: "done" }, { type: "thinking", text: "", signature: "sig-2" }] },
    ];
    expect(convertMessages(messages)[0]?.parts).toEqual([{ text: "done" }, { text: "", thoughtSignature: "sig-2" }]);
  });

  it("keeps a signature on the thought when nothing follows it", () => {
    const messages: Message[] = [{ role: "assistant", content: [{ type: "thinking", text: "hmm", signature: "sig-3" }] }];
    expect(convertMessages(messages)[0]?.parts).toEqual([{ text: "hmm", thought: true, thoughtSignature: "sig-3" }]);
  });

  it("drops messages that have nothing Gemini can carry", () => {
    expect(convertMessages([{ role: "assistant", content: [] }])).toEqual([]);
  });
});
