import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from "openai/resources/chat/completions";
import type { ContentBlock, Message } from "../../domain/index.ts";

/** Which wire variant to speak; `deepseek` echoes reasoning back as `reasoning_content`. */
export type OpenAiDialect = "openai" | "deepseek";

/** Prefix of a failed tool's result: Chat Completions has no `is_error` flag. */
const TOOL_ERROR_PREFIX = "Error: ";

/** An assistant message as DeepSeek reads it: the reasoning of that turn travels with it. */
type AssistantMessage = ChatCompletionAssistantMessageParam & { reasoning_content?: string };

/**
 * System prompt + domain messages → Chat Completions `messages`. Tool results become `role:"tool"`
 * messages placed before the rest of their user turn; images become `image_url` data URLs; text
 * alone is one string (every compatible server reads that). Thinking is sent back only in the
 * `deepseek` dialect, as `reasoning_content` (DeepSeek's echo contract); OpenAI takes none.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 * @see https://api-docs.deepseek.com/guides/thinking_mode
 */
export function convertMessages(options: { system: string; messages: readonly Message[]; dialect: OpenAiDialect }): ChatCompletionMessageParam[] {
  const converted: ChatCompletionMessageParam[] = options.system === "" ? [] : [{ role: "system", content: options.system }];
  for (const message of options.messages) {
    if (message.role === "user") converted.push(...userMessages(message.content));
    else converted.push(assistantMessage(message.content, options.dialect));
  }
  return converted;
}

function userMessages(content: readonly ContentBlock[]): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  for (const block of content) {
    if (block.type !== "tool_result") continue;
    const text = block.is_error ? `${TOOL_ERROR_PREFIX}${block.text}` : block.text;
    messages.push({ role: "tool", tool_call_id: block.tool_use_id, content: text });
  }
  const parts = content.flatMap(userPart);
  if (parts.length === 0) return messages;
  const textOnly = parts.every((part) => part.type === "text");
  messages.push({ role: "user", content: textOnly ? parts.map((part) => (part.type === "text" ? part.text : "")).join("\n") : parts });
  return messages;
}

function userPart(block: ContentBlock): ChatCompletionContentPart[] {
  if (block.type === "text") return block.text === "" ? [] : [{ type: "text", text: block.text }];
  if (block.type === "image") return [{ type: "image_url", image_url: { url: `data:${block.media_type};base64,${block.data}` } }];
  return [];
}

function assistantMessage(content: readonly ContentBlock[], dialect: OpenAiDialect): AssistantMessage {
  const text = content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
  const toolCalls = content.flatMap(toolCall);
  const message: AssistantMessage = { role: "assistant", content: text === "" && toolCalls.length > 0 ? null : text };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (dialect === "deepseek") {
    const reasoning = content.flatMap((block) => (block.type === "thinking" ? [block.text] : [])).join("");
    if (reasoning !== "") message.reasoning_content = reasoning;
  }
  return message;
}

function toolCall(block: ContentBlock): ChatCompletionMessageToolCall[] {
  if (block.type !== "tool_use") return [];
  return [{ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input) } }];
}
