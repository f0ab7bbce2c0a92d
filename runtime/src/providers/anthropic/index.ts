/**
 * providers/anthropic/: the Anthropic Messages API driver behind the ChatModel port, on the
 * official `@anthropic-ai/sdk` (which parses the SSE stream). Also serves custom provider ids
 * whose driver is `anthropic`. May import domain/ and the port (`../chat-model.ts`) only.
 */
export { ANTHROPIC_DEFAULT_CAPABILITIES, createAnthropicChatModel, createAnthropicClient } from "./anthropic-chat-model.ts";
export type { AnthropicChatModelOptions } from "./anthropic-chat-model.ts";
