/**
 * tools/builtin/network/: HTTP, WebFetch and WebSearch over one SSRF-safe dialer (`safeFetch`)
 * that later issues reuse for MCP servers and hooks.
 */
export { createHttpTool, httpTool } from "./http-tool.ts";
export { createWebFetchTool, webFetchTool } from "./web-fetch-tool.ts";
export { createWebSearchTool } from "./web-search-tool.ts";
export { createSearxngBackend } from "./search-backend.ts";
export type { SearchBackend } from "./search-backend.ts";
export { NetworkError, safeFetch } from "./safe-fetch.ts";
export { substituteSecrets } from "./header-secrets.ts";
