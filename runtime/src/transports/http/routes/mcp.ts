import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { HttpAppOptions, McpEndpoint } from "../types.ts";

/**
 * POST/GET/DELETE /v1/_mcp: the MCP server over Streamable HTTP (inventory §4.1). The auth hook
 * has resolved the bearer's principal (no token = 401, as every route); the endpoint owns the
 * rest of the exchange (sessions, SSE streams, DNS-rebinding check), so the reply is hijacked.
 */
export function registerMcpRoutes(app: FastifyInstance, endpoint: McpEndpoint, logger: HttpAppOptions["logger"]): void {
  const handle = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.hijack();
    try {
      await endpoint.handle({ principal: request.principal, raw: request.raw, response: reply.raw, body: request.body });
    } catch (error) {
      logger.error({ err: error, method: request.method }, "MCP request failed");
      if (!reply.raw.headersSent) reply.raw.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32603, message: "internal error" }, id: null }));
    }
  };
  app.post("/v1/_mcp", handle);
  app.get("/v1/_mcp", handle);
  app.delete("/v1/_mcp", handle);
  app.addHook("onClose", () => endpoint.close());
}
