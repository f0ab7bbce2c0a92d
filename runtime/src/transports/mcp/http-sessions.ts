import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Principal } from "../../domain/index.ts";
import type { McpServerFactory } from "./server.ts";

/** A session nobody used for this long is closed when the next session opens. */
const SESSION_IDLE_MS = 30 * 60_000;
/** The most open sessions of one principal: past it the least recently used one is closed. */
const MAX_SESSIONS_PER_PRINCIPAL = 32;

/** One request to /v1/_mcp, after bearer auth resolved its principal. */
export interface McpHttpRequest {
  principal: Principal;
  raw: IncomingMessage;
  response: ServerResponse;
  /** The parsed JSON body (POST), undefined otherwise. */
  body: unknown;
}

interface Session {
  owner: string;
  principal: Principal;
  transport: StreamableHTTPServerTransport;
  lastUsed: number;
}

/**
 * Streamable HTTP sessions (MCP 2025-11-25) of the MCP server: one per principal and
 * Mcp-Session-Id, each with its own McpServer over the same tools. A session id presented by
 * another principal is unknown to it (404, as a missing one), so a leaked id gives nothing away.
 * DNS-rebinding protection: the Host header's hostname (any port) must be one of `allowedHosts`,
 * as the SDK's hostHeaderValidation middleware checks; otherwise 403 before anything is read.
 */
export class McpHttpSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly factory: McpServerFactory;
  private readonly allowedHosts: ReadonlySet<string>;

  constructor(options: { factory: McpServerFactory; allowedHosts: readonly string[] }) {
    this.factory = options.factory;
    this.allowedHosts = new Set(options.allowedHosts.map((host) => host.toLowerCase()));
  }

  async handle(request: McpHttpRequest): Promise<void> {
    const { raw, response } = request;
    if (!this.hostAllowed(raw.headers.host)) return reject(response, 403, { code: -32000, message: `Invalid Host header: ${raw.headers.host ?? "(none)"}` });
    const id = raw.headers["mcp-session-id"];
    if (typeof id === "string") return this.resume(id, request);
    if (raw.method !== "POST" || !isInitializeRequest(request.body)) {
      return reject(response, 400, { code: -32000, message: "Bad Request: no Mcp-Session-Id header and not an initialize request" });
    }
    return this.open(request);
  }

  /** Closes every session (the app is shutting down). */
  async close(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(open.map((session) => session.transport.close()));
  }

  private async resume(id: string, request: McpHttpRequest): Promise<void> {
    const session = this.sessions.get(id);
    if (session === undefined || session.owner !== ownerOf(request.principal)) return reject(request.response, 404, { code: -32001, message: "Session not found" });
    session.principal = request.principal;
    session.lastUsed = Date.now();
    await session.transport.handleRequest(request.raw, request.response, request.body);
  }

  private async open(request: McpHttpRequest): Promise<void> {
    this.evict(ownerOf(request.principal));
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, session);
      },
      onsessionclosed: (id) => {
        this.sessions.delete(id);
      },
    });
    const session: Session = { owner: ownerOf(request.principal), principal: request.principal, transport, lastUsed: Date.now() };
    transport.onclose = () => {
      if (transport.sessionId !== undefined) this.sessions.delete(transport.sessionId);
    };
    await this.factory(() => session.principal).connect(transport);
    await transport.handleRequest(request.raw, request.response, request.body);
  }

  /** Closes idle sessions, and the owner's least recently used ones past its cap. */
  private evict(owner: string): void {
    const now = Date.now();
    const mine = [...this.sessions.entries()].filter(([, session]) => session.owner === owner).sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    const excess = new Set(mine.slice(0, Math.max(0, mine.length - MAX_SESSIONS_PER_PRINCIPAL + 1)).map(([id]) => id));
    for (const [id, session] of this.sessions) {
      if (!excess.has(id) && now - session.lastUsed < SESSION_IDLE_MS) continue;
      this.sessions.delete(id);
      void session.transport.close();
    }
  }

  private hostAllowed(host: string | undefined): boolean {
    if (host === undefined) return false;
    try {
      return this.allowedHosts.has(new URL(`http://${host}`).hostname.toLowerCase());
    } catch {
      return false;
    }
  }
}

/** Who owns a session: the same token (or the same open/legacy principal) in the same tenant. */
function ownerOf(principal: Principal): string {
  return JSON.stringify([principal.kind, principal.tenantId, principal.subject, principal.tokenId]);
}

function reject(response: ServerResponse, status: number, error: { code: number; message: string }): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error, id: null }));
}

/** The hostnames a local runtime answers to: the listen host, the public base URL's, and localhost in each spelling. */
export function defaultAllowedHosts(listenHost: string, baseUrl: string | null): string[] {
  const hosts = ["localhost", "127.0.0.1", "[::1]", listenHost.includes(":") ? `[${listenHost}]` : listenHost];
  if (baseUrl !== null) {
    try {
      hosts.push(new URL(baseUrl).hostname);
    } catch {
      // a base URL that does not parse adds nothing
    }
  }
  return hosts;
}
