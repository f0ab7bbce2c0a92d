/**
 * tools/hooks/: tool-use hooks. The loop's port (`ToolHooks`), the chain that applies pre/post
 * answers and fail modes, and the HTTP caller over the SSRF-safe dialer.
 */
export type { HookCaller, HookedCall, HookPayload, HookRunIdentity, HookRunner, HookSelector, PreHookOutcome, RunHooksOptions, ToolHooks } from "./tool-hooks.ts";
export { createToolHooks } from "./hook-chain.ts";
export { checkCallbackUrl, createHookCaller, createHookRunner } from "./hook-runner.ts";
export type { HookRunnerOptions } from "./hook-runner.ts";
