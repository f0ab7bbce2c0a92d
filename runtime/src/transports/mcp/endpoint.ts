import type { Logger } from "../../domain/index.ts";
import type { PauseService, RunService } from "../../service/index.ts";
import { McpHttpSessions, defaultAllowedHosts } from "./http-sessions.ts";
import { createMcpServerFactory } from "./server.ts";

/** How long spawn_run waits for its run by default before answering `status: "timeout"` (loomcycle's LOOMCYCLE_MCP_SPAWN_RUN_TIMEOUT_MS). */
export const MCP_SPAWN_TIMEOUT_MS = 600_000;

/**
 * The MCP server the HTTP app mounts at /v1/_mcp: the tools over the same services as the HTTP
 * routes, Host-checked against the listen host, the base URL's host and localhost.
 */
export function createMcpEndpoint(options: {
  runs: RunService;
  pause?: PauseService;
  logger: Logger;
  version: string;
  listenHost: string;
  baseUrl: string | null;
  spawnTimeoutMs?: number;
}): McpHttpSessions {
  const factory = createMcpServerFactory({
    runs: options.runs,
    ...(options.pause === undefined ? {} : { pause: options.pause }),
    logger: options.logger,
    version: options.version,
    spawnTimeoutMs: options.spawnTimeoutMs ?? MCP_SPAWN_TIMEOUT_MS,
  });
  return new McpHttpSessions({ factory, allowedHosts: defaultAllowedHosts(options.listenHost, options.baseUrl) });
}
