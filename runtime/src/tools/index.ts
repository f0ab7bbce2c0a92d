/**
 * tools/: the Tool port, the registry that applies an agent's allowlist, and the built-in tools.
 * May import domain/ only.
 */
export type { Tool, ToolContext, ToolPolicy, ToolResult, VolumeMount } from "./tool.ts";
export { ToolRegistry, matchesToolPattern } from "./registry.ts";
export { contextTool } from "./builtin/context-tool.ts";
