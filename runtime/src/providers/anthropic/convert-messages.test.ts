import { describe, expect, it } from "vitest";
import type { Message } from "../../domain/index.ts";
import { convertMessages } from "./convert-messages.ts";

describe("anthropic convertMessages", () => {
  it("sends text, base64 images, tool_use and tool_result (with is_error) in their turns", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image", media_type: "image/png", data: "iVBOR" }] },
      { role: "assistant", content: [{ type: "text", text: "calling" }, { type: "tool_use", id: "t1", name: "Read", input: { path: "a" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", text: "no such file", is_error: true }] },
    ];
    expect(convertMessages(messages)).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "calling" },
          { type: "tool_use", id: "t1", name: "Read", input: { path: "a" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "no such file", is_error: true }] },
    ]);
  });

  it("echoes signed thinking back as {type: thinking, thinking, signature}", () => {
    const messages: Message[] = [
      { role: "assistant", content: [{ type: "thinking", text: "hmm", signature: "sig-1" }, { type: "text", text: "a" }] },
    ];
    expect(convertMessages(messages)[0]?.content).toEqual([
      { type: "thinking", thinking: "hmm", signature: "sig-1" },
      { type: "text", text: "a" },
    ]);
  });

  it("drops unsigned thinking and empty text, and a message left empty", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "q" }] },
      { role: "assistant", content: [{ type: "thinking", text: "from deepseek" }, { type: "text", text: "" }] },
      { role: "assistant", content: [{ type: "thinking", text: "x" }, { type: "text", text: "answer" }] },
    ];
    expect(convertMessages(messages)).toEqual([
      { role: "user", content: [{ type: "text", text: "q" }] },
      { role: "assistant", content: [{ type: "text", text: "answer" }] },
    ]);
  });
});
