/**
 * code-js: operator JavaScript as a ChatModel ("code is an agent"), run in QuickJS compiled to
 * WebAssembly; zero tokens, replayable from the conversation.
 */
export { CODE_JS_DEFAULT_LIMITS, CODE_JS_EPOCH_MS, CodeJsChatModel, createCodeJsChatModel } from "./code-js-chat-model.ts";
export type { CodeJsLimits, CodeJsOptions } from "./code-js-chat-model.ts";
