import type { Authenticate } from "./principal.ts";
import type { AgentCatalog, ProviderProbe, RunService, UsageService, EvaluationService, HookService, ChannelService, InterruptService, MemoryService, DefinitionService, AuthService, SnapshotService, PauseService, LlmGateway } from "../../service/index.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger, Principal } from "../../domain/index.ts";

/** The MCP transport as the HTTP app mounts it (transports/mcp McpHttpSessions, built in main.ts). */
export interface McpEndpoint {
  /** Answers one /v1/_mcp request of an authenticated principal, writing the raw response itself. */
  handle(request: { principal: Principal; raw: IncomingMessage; response: ServerResponse; body: unknown }): Promise<void>;
  close(): Promise<void>;
}

/** What the HTTP transport is built from: the services, limits, and health/metrics hooks. */
export interface HttpAppOptions {
  /** Resolves each request's principal (bearer auth); absent = open mode, every caller an admin of the default tenant. */
  authenticate?: Authenticate;
  /** Bearer auth and operator tokens (/v1/_me, /v1/_operatortokendef); also the authenticator when `authenticate` is absent. */
  auth?: AuthService;
  runs: RunService;
  agents: AgentCatalog;
  usage: UsageService;
  /** Evaluations of runs (GET/POST /v1/runs/{id}/evaluations). */
  evaluations: EvaluationService;
  /** Tool-use hooks (POST/GET/DELETE /v1/hooks); absent = the routes are not served. */
  hooks?: HookService;
  /** Channels (/v1/_channels…); absent = the routes are not served. */
  channels?: ChannelService;
  /** Human-in-the-loop interruptions (GET /v1/runs/{id}/interrupts, the user inbox, resolve). */
  interrupts: InterruptService;
  /** Memory admin (/v1/_memory…); absent = the routes are not served. */
  memory?: MemoryService;
  /** The definition substrate (/v1/_<kind>def); absent = the routes are not served. */
  definitions?: DefinitionService;
  /** Snapshots (/v1/_snapshots…, admin); absent = the routes are not served. */
  snapshots?: SnapshotService;
  /** The cluster pause (POST /v1/_pause, /v1/_resume, GET /v1/_state, admin); absent = the routes are not served. */
  pause?: PauseService;
  /** The MCP server over Streamable HTTP (POST/GET/DELETE /v1/_mcp); absent = the routes are not served. */
  mcp?: McpEndpoint;
  /** The LLM gateway (/v1/chat/completions, /v1/models, /v1/embeddings, /v1/_llm/chat); absent = the routes are not served. */
  gateway?: LlmGateway;
  /** The provider availability matrix behind /v1/_resolver. */
  resolver: Pick<ProviderProbe, "snapshot" | "probeAll">;
  logger: Logger;
  version: string;
  limits: { maxRequestBytes: number; sseKeepaliveMs: number };
  /** Resolves when the runtime can serve (the store answers); throws otherwise. */
  ready: () => Promise<void>;
  /** Prometheus exposition text and its content type. */
  metrics: () => Promise<{ contentType: string; body: string }>;
}
