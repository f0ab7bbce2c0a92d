/**
 * transports/http/: the HTTP+SSE API (fastify), wire-compatible with loomcycle. May import
 * service/ and domain/ only; `contract.ts` is also the web UI's one import and the MCP server's documents.
 */
export { buildHttpApp } from "./app.ts";
export type { HttpAppOptions } from "./types.ts";
export type { Authenticate } from "./principal.ts";
export { servedRoutes } from "./principal.ts";
export type { ErrorResponse, RunResultResponse, RunStatusResponse, TranscriptResponse } from "./contract.ts";
/** The run documents, shared with the MCP server so both wires answer the same JSON. */
export { toRunResult, toRunStatus, toTranscript } from "./contract.ts";
