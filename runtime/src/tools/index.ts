/**
 * tools/: the Tool port, the registry that applies an agent's allowlist, and the built-in tools.
 * May import domain/ only.
 */
export type { Tool, ToolContext, ToolPolicy, ToolResult, VolumeMount } from "./tool.ts";
export { ToolRegistry, matchesToolPattern } from "./registry.ts";
export { contextTool } from "./builtin/context-tool.ts";
export { fsTools } from "./builtin/fs/index.ts";
export { createSearxngBackend, createWebSearchTool, httpTool, NetworkError, safeFetch, webFetchTool } from "./builtin/network/index.ts";
export type { SearchBackend } from "./builtin/network/index.ts";
export { createBashTool } from "./builtin/bash/index.ts";
