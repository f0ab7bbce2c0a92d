import type { ContentBlockParam, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import type { ContentBlock, Message } from "../../domain/index.ts";

/**
 * Domain messages → Messages API `messages`. Thinking blocks go back with their `signature`
 * (the API verifies it); unsigned thinking (another provider's reasoning) and empty text are
 * dropped because the API rejects them, and a message left empty is dropped with them.
 * @see https://platform.claude.com/docs/en/api/messages
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
 */
export function convertMessages(messages: readonly Message[]): MessageParam[] {
  const converted: MessageParam[] = [];
  for (const message of messages) {
    const content = message.content.flatMap((block) => convertBlock(block, message.role));
    if (content.length > 0) converted.push({ role: message.role, content });
  }
  return converted;
}

function convertBlock(block: ContentBlock, role: Message["role"]): ContentBlockParam[] {
  if (block.type === "text") return block.text === "" ? [] : [{ type: "text", text: block.text }];
  return role === "user" ? userBlock(block) : assistantBlock(block);
}

/** Images and tool results travel in user turns; anything else there is not the API's. */
function userBlock(block: ContentBlock): ContentBlockParam[] {
  if (block.type === "image") return [{ type: "image", source: { type: "base64", media_type: block.media_type, data: block.data } }];
  if (block.type === "tool_result") return [{ type: "tool_result", tool_use_id: block.tool_use_id, content: block.text, is_error: block.is_error }];
  return [];
}

/** Thinking (signed only) and tool calls travel in assistant turns. */
function assistantBlock(block: ContentBlock): ContentBlockParam[] {
  if (block.type === "thinking") return block.signature ? [{ type: "thinking", thinking: block.text, signature: block.signature }] : [];
  if (block.type === "tool_use") return [{ type: "tool_use", id: block.id, name: block.name, input: block.input }];
  return [];
}
