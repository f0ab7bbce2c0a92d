/**
 * Composition root for the built-in tools: builds each one with the services and adapters it
 * needs and registers it. Every built-in is registered; each refuses every call until the
 * operator grants what it needs (volumes, hosts, LOOMCYCLE_BASH_ENABLED…) and an agent lists it
 * in `tools:`.
 */
import type { Config } from "./config/index.ts";
import type { RunService } from "./service/index.ts";
import { contextTool, createBashTool, createSearxngBackend, createWebSearchTool, fsTools, httpTool, webFetchTool } from "./tools/index.ts";
import type { ToolRegistry } from "./tools/index.ts";

/** What the built-in tools are built from. */
export interface BuiltinToolDeps {
  config: Config;
  runs: RunService;
}

/** Registers every built-in tool. Called once the services exist, before any run executes. */
export function registerBuiltinTools(tools: ToolRegistry, deps: BuiltinToolDeps): void {
  const { config } = deps;
  tools.register(contextTool);
  for (const tool of fsTools) tools.register(tool);
  tools.register(httpTool);
  tools.register(webFetchTool);
  const searxng = config.network.searxngUrl;
  tools.register(createWebSearchTool(searxng === null ? null : createSearxngBackend({ baseUrl: searxng })));
  tools.register(createBashTool({ enabled: config.bash.enabled, env: process.env }));
}
