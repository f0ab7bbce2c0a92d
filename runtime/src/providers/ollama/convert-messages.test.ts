import { describe, expect, it } from "vitest";
import type { Message } from "../../domain/index.ts";
import { convertMessages } from "./convert-messages.ts";

describe("ollama convertMessages", () => {
  it("puts the system prompt first and images as bytes on the user message", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image", media_type: "image/png", data: "aGVsbG8=" }] },
    ];
    const [system, user] = convertMessages("be brief", messages);
    expect(system).toEqual({ role: "system", content: "be brief" });
    expect(user?.content).toBe("look");
    expect(user?.images?.map((image) => Buffer.from(image as Uint8Array).toString())).toEqual(["hello"]);
  });

  it("never passes an image as a string the client could mistake for a file path", () => {
    const [user] = convertMessages("", [{ role: "user", content: [{ type: "image", media_type: "image/png", data: "/etc/passwd" }] }]);
    expect(typeof user?.images?.[0]).not.toBe("string");
  });

  it("sends assistant text, thinking and tool calls, then tool results as role tool with the tool name", () => {
    const messages: Message[] = [
      {
        role: "assistant",
        content: [
          { type: "thinking", text: "need data" },
          { type: "text", text: "checking" },
          { type: "tool_use", id: "lc-0-0", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "lc-0-1", name: "get_time", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "lc-0-0", text: "sunny", is_error: false },
          { type: "tool_result", tool_use_id: "lc-0-1", text: "no clock", is_error: true },
        ],
      },
    ];
    expect(convertMessages("", messages)).toEqual([
      {
        role: "assistant",
        content: "checking",
        thinking: "need data",
        tool_calls: [
          { function: { name: "get_weather", arguments: { city: "Paris" } } },
          { function: { name: "get_time", arguments: {} } },
        ],
      },
      { role: "tool", content: "sunny", tool_name: "get_weather" },
      { role: "tool", content: "Error: no clock", tool_name: "get_time" },
    ]);
  });

  it("keeps user text that follows tool results as its own user message", () => {
    const messages: Message[] = [
      { role: "assistant", content: [{ type: "tool_use", id: "x", name: "t", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "x", text: "ok", is_error: false }, { type: "text", text: "and now?" }] },
    ];
    expect(convertMessages("", messages).slice(1)).toEqual([
      { role: "tool", content: "ok", tool_name: "t" },
      { role: "user", content: "and now?" },
    ]);
  });
});
