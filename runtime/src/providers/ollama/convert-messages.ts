import type { Message as OllamaMessage, ToolCall } from "ollama";
import type { ContentBlock, Message, ToolResultBlock } from "../../domain/index.ts";

/**
 * System prompt + domain messages → Ollama `/api/chat` messages. Images travel as bytes on the user
 * message (never as strings: the Node client would read a string that names a file from disk);
 * tool results become role `tool` messages carrying `tool_name`, looked up from the asking
 * `tool_use`; assistant thinking goes back in `thinking`.
 * @see https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion
 */
export function convertMessages(system: string, messages: readonly Message[]): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  const out: OllamaMessage[] = system === "" ? [] : [{ role: "system", content: system }];
  for (const message of messages) {
    if (message.role === "assistant") out.push(assistantMessage(message.content, toolNames));
    else out.push(...userMessages(message.content, toolNames));
  }
  return out;
}

function userMessages(blocks: readonly ContentBlock[], toolNames: ReadonlyMap<string, string>): OllamaMessage[] {
  const results = blocks.filter((block): block is ToolResultBlock => block.type === "tool_result");
  const out: OllamaMessage[] = results.map((block) => ({
    role: "tool",
    content: block.is_error ? `Error: ${block.text}` : block.text,
    tool_name: toolNames.get(block.tool_use_id) ?? "unknown_tool",
  }));
  const text = joinText(blocks, "text");
  const images = blocks.flatMap((block) => (block.type === "image" ? [Buffer.from(block.data, "base64")] : []));
  if (text !== "" || images.length > 0 || results.length === 0) {
    out.push({ role: "user", content: text, ...(images.length > 0 ? { images } : {}) });
  }
  return out;
}

function assistantMessage(blocks: readonly ContentBlock[], toolNames: Map<string, string>): OllamaMessage {
  const toolCalls: ToolCall[] = [];
  for (const block of blocks) {
    if (block.type !== "tool_use") continue;
    toolNames.set(block.id, block.name);
    toolCalls.push({ function: { name: block.name, arguments: block.input } });
  }
  const thinking = joinText(blocks, "thinking");
  return {
    role: "assistant",
    content: joinText(blocks, "text"),
    ...(thinking === "" ? {} : { thinking }),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

function joinText(blocks: readonly ContentBlock[], type: "text" | "thinking"): string {
  return blocks.map((block) => (block.type === type ? block.text : "")).join("");
}
