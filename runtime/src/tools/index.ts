/**
 * tools/: the Tool port, the registry that applies an agent's allowlist, and the built-in tools.
 * May import domain/ only.
 */
export type { Tool, ToolContext, ToolPolicy, ToolResult, VolumeMount } from "./tool.ts";
export { ToolRegistry, matchesToolPattern } from "./registry.ts";
export { contextTool } from "./builtin/context-tool.ts";
export { createContextTool } from "./builtin/context-tool.ts";
export { createSkillTool } from "./builtin/skill/index.ts";
export type { SkillDefSource } from "./builtin/skill/index.ts";
export { createAgentDefTool } from "./builtin/agentdef/index.ts";
export type { DefinitionPort, DefinitionToolCaller } from "./builtin/agentdef/index.ts";
export { createSkillDefTool } from "./builtin/skilldef/index.ts";
export { fsTools } from "./builtin/fs/index.ts";
export { createSearxngBackend, createWebSearchTool, httpTool, NetworkError, safeFetch, webFetchTool } from "./builtin/network/index.ts";
export type { SearchBackend } from "./builtin/network/index.ts";
export { createBashTool } from "./builtin/bash/index.ts";
export { createInterruptionTool } from "./builtin/interruption/index.ts";
export type { AskInput, AskOutcome, InterruptionPort, Refusal } from "./builtin/interruption/index.ts";
export { createAgentTool, MAX_PARALLEL_SPAWNS } from "./builtin/agent/index.ts";
export type { ChildOutcome, ChildSpec, SpawnRequest, SubAgentPort } from "./builtin/agent/index.ts";
export { createEvaluationTool } from "./builtin/evaluation/index.ts";
export { createMemoryTool } from "./builtin/memory/index.ts";
export type { MemoryPort } from "./builtin/memory/index.ts";
export type { EvaluationCaller, EvaluationPort } from "./builtin/evaluation/index.ts";
export { createHookRunner, createToolHooks } from "./hooks/index.ts";
export type { HookCaller, HookedCall, HookPayload, HookRunIdentity, HookRunner, HookRunnerOptions, HookSelector, PreHookOutcome, RunHooksOptions, ToolHooks } from "./hooks/index.ts";
export { createChannelTool } from "./builtin/channel/index.ts";
export type { ChannelGrants, ChannelPort } from "./builtin/channel/index.ts";
