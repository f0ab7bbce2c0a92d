import { z } from "zod";
import { AppError, TIERS } from "../../domain/index.ts";
import type { ContentBlock, Message } from "../../domain/index.ts";
import type { GatewayRequest, GatewayResult } from "../../service/index.ts";

/** Message content: a string, or parts of which the text ones count. */
const Content = z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().optional() })), z.null()]).optional();

const OpenAiToolCall = z.object({
  id: z.string().min(1),
  type: z.literal("function").default("function"),
  function: z.object({ name: z.string().min(1), arguments: z.string().default("{}") }),
});

const OpenAiMessage = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: Content,
  tool_calls: z.array(OpenAiToolCall).optional(),
  tool_call_id: z.string().optional(),
  name: z.string().optional(),
});

/** The OpenAI Chat Completions body (inventory §2.8), with loomcycle's extensions. */
export const ChatCompletionBody = z.object({
  model: z.string().min(1),
  messages: z.array(OpenAiMessage).min(1),
  tools: z
    .array(z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1), description: z.string().default(""), parameters: z.record(z.string(), z.unknown()).default({ type: "object" }) }) }))
    .default([]),
  max_tokens: z.number().int().nonnegative().optional(),
  max_completion_tokens: z.number().int().nonnegative().optional(),
  temperature: z.number().min(0).max(2).optional(),
  stop: z.union([z.string(), z.array(z.string())]).optional(),
  stream: z.boolean().default(false),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  user: z.string().optional(),
  loomcycle_provider: z.string().min(1).optional(),
  loomcycle_tier: z.enum(TIERS).optional(),
  loomcycle_user_id: z.string().min(1).optional(),
  loomcycle_user_tier: z.string().min(1).optional(),
});
export type ChatCompletionBody = z.infer<typeof ChatCompletionBody>;
type OpenAiMessage = z.infer<typeof OpenAiMessage>;

function contentText(content: OpenAiMessage["content"]): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  return content.map((part) => part.text ?? "").join("");
}

function parseArguments(text: string, index: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text === "" ? "{}" : text);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  const field = `messages[${index}].tool_calls.function.arguments`;
  throw new AppError("INVALID_ARGUMENT", `${field}: expected a JSON object`, { details: { field } });
}

function assistantBlocks(message: OpenAiMessage, index: number): ContentBlock[] {
  const text = contentText(message.content);
  const blocks: ContentBlock[] = text === "" ? [] : [{ type: "text", text }];
  for (const call of message.tool_calls ?? []) blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input: parseArguments(call.function.arguments, index) });
  return blocks;
}

/** Appends a block to the last message when it has the same role (tool results join one user turn). */
function push(messages: Message[], role: Message["role"], blocks: ContentBlock[]): void {
  const last = messages.at(-1);
  if (last?.role === role && role === "user") last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

/** OpenAI messages → the system prompt and loomcycle messages (tool results become user-turn blocks). */
export function fromOpenAiMessages(input: readonly OpenAiMessage[]): { system: string; messages: Message[] } {
  const system: string[] = [];
  const messages: Message[] = [];
  input.forEach((message, index) => {
    if (message.role === "system" || message.role === "developer") system.push(contentText(message.content));
    else if (message.role === "assistant") push(messages, "assistant", assistantBlocks(message, index));
    else if (message.role === "tool") push(messages, "user", [{ type: "tool_result", tool_use_id: message.tool_call_id ?? "", text: contentText(message.content), is_error: false }]);
    else push(messages, "user", [{ type: "text", text: contentText(message.content) }]);
  });
  return { system: system.join("\n\n"), messages };
}

/** The body as the gateway's request. */
export function toGatewayRequest(body: ChatCompletionBody): GatewayRequest {
  const { system, messages } = fromOpenAiMessages(body.messages);
  const stop = body.stop === undefined ? undefined : [body.stop].flat();
  const sampling = { ...(body.temperature === undefined ? {} : { temperature: body.temperature }), ...(stop ? { stop } : {}) };
  const userId = body.loomcycle_user_id ?? body.user;
  return {
    model: body.model,
    system,
    messages,
    tools: body.tools.map((tool) => ({ name: tool.function.name, description: tool.function.description, input_schema: tool.function.parameters })),
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? 0,
    sampling,
    ...routing(body, userId),
  };
}

/** loomcycle's routing extensions, present ones only. */
function routing(body: ChatCompletionBody, userId: string | undefined): Pick<GatewayRequest, "provider" | "tier" | "userId" | "userTier"> {
  return {
    ...(body.loomcycle_provider ? { provider: body.loomcycle_provider } : {}),
    ...(body.loomcycle_tier ? { tier: body.loomcycle_tier } : {}),
    ...(userId ? { userId } : {}),
    ...(body.loomcycle_user_tier ? { userTier: body.loomcycle_user_tier } : {}),
  };
}

/** loomcycle stop reasons → OpenAI finish_reason. */
export function finishReason(stopReason: string): string {
  if (stopReason === "tool_use") return "tool_calls";
  if (stopReason === "max_tokens") return "length";
  return "stop";
}

/** A gateway tool call as an OpenAI tool_calls entry. */
export function openAiToolCall(call: { id: string; name: string; input: Record<string, unknown> }): { id: string; type: "function"; function: { name: string; arguments: string } } {
  return { id: call.id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.input) } };
}

/** OpenAI usage from loomcycle usage. */
export function openAiUsage(usage: GatewayResult["usage"]): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const prompt = usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens;
  return { prompt_tokens: prompt, completion_tokens: usage.output_tokens, total_tokens: prompt + usage.output_tokens };
}

/** A whole non-streamed call as a `chat.completion`. */
export function chatCompletion(result: GatewayResult, requested: string): Record<string, unknown> {
  const toolCalls = result.toolCalls.map(openAiToolCall);
  return {
    id: `chatcmpl-${result.requestId}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: requested,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: result.text === "" && toolCalls.length > 0 ? null : result.text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        finish_reason: finishReason(result.stopReason),
        logprobs: null,
      },
    ],
    usage: openAiUsage(result.usage),
    loomcycle_provider: result.provider,
    loomcycle_model: result.model,
  };
}
