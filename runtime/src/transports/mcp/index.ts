/**
 * transports/mcp: loomcycle as an MCP server. The tools run over the service layer with the
 * scopes of their HTTP routes; Streamable HTTP sessions are mounted by the HTTP app at /v1/_mcp.
 * May import domain/ and service/ (and config/ for types).
 */
export { createMcpServerFactory, FORBIDDEN_CODE } from "./server.ts";
export type { McpServerFactory } from "./server.ts";
export { McpHttpSessions, defaultAllowedHosts } from "./http-sessions.ts";
export type { McpHttpRequest } from "./http-sessions.ts";
export type { McpServices } from "./tool-kit.ts";
export { createMcpEndpoint, MCP_SPAWN_TIMEOUT_MS } from "./endpoint.ts";
