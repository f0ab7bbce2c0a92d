import { describe, expect, it } from "vitest";
import type { Message } from "../../domain/index.ts";
import { convertMessages } from "./convert-messages.ts";

const conversation: Message[] = [
  { role: "user", content: [{ type: "text", text: "read both" }] },
  {
    role: "assistant",
    content: [
      { type: "thinking", text: "two files" },
      { type: "tool_use", id: "c1", name: "Read", input: { path: "a" } },
      { type: "tool_use", id: "c2", name: "Read", input: { path: "b" } },
    ],
  },
  {
    role: "user",
    content: [
      { type: "tool_result", tool_use_id: "c1", text: "A", is_error: false },
      { type: "tool_result", tool_use_id: "c2", text: "denied", is_error: true },
      { type: "text", text: "and?" },
    ],
  },
];

describe("openai convertMessages", () => {
  it("sends the system prompt, tool calls, and tool results as role:tool before the user's text", () => {
    expect(convertMessages({ system: "sys", messages: conversation, dialect: "openai" })).toEqual([
      { role: "system", content: "sys" },
      { role: "user", content: "read both" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "c1", type: "function", function: { name: "Read", arguments: '{"path":"a"}' } },
          { id: "c2", type: "function", function: { name: "Read", arguments: '{"path":"b"}' } },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "A" },
      { role: "tool", tool_call_id: "c2", content: "Error: denied" },
      { role: "user", content: "and?" },
    ]);
  });

  it("echoes reasoning as reasoning_content in the deepseek dialect only", () => {
    const deepseek = convertMessages({ system: "", messages: conversation, dialect: "deepseek" });
    expect(deepseek[1]).toMatchObject({ role: "assistant", reasoning_content: "two files" });
    const openai = convertMessages({ system: "", messages: conversation, dialect: "openai" });
    expect(openai[1]).not.toHaveProperty("reasoning_content");
  });

  it("sends images as image_url data URLs next to the text", () => {
    const messages: Message[] = [{ role: "user", content: [{ type: "text", text: "what is it" }, { type: "image", media_type: "image/jpeg", data: "/9j/" }] }];
    expect(convertMessages({ system: "", messages, dialect: "openai" })).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "what is it" },
          { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/" } },
        ],
      },
    ]);
  });

  it("joins an assistant's text and keeps an empty string when there is nothing else", () => {
    const messages: Message[] = [{ role: "assistant", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] }];
    expect(convertMessages({ system: "", messages, dialect: "openai" })).toEqual([{ role: "assistant", content: "ab" }]);
  });
});
