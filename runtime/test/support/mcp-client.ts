import { request as httpRequest } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { expect } from "vitest";

/** An MCP initialize request, for raw posts to /v1/_mcp. */
export const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};

/** The SDK's own client on /v1/_mcp with `token` as the bearer; close it when done. */
export async function connectMcp(base: string, token: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/v1/_mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  const client = new Client({ name: "loomcycle-test", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

/** A POST to /v1/_mcp over node:http (fetch does not let a test set the Host header). */
export function rawPost(base: string, options: { host?: string; token: string; body: unknown; sessionId?: string }): Promise<{ status: number; body: string; sessionId: string | undefined }> {
  const url = new URL(`${base}/v1/_mcp`);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: "POST",
        headers: {
          ...(options.host === undefined ? {} : { host: options.host }),
          authorization: `Bearer ${options.token}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2025-06-18",
          ...(options.sessionId === undefined ? {} : { "mcp-session-id": options.sessionId }),
        },
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
          // An SSE answer stays open after its one message: its first frame is enough.
          if (body.includes("\n\n")) response.destroy();
        });
        const done = (): void => resolve({ status: response.statusCode ?? 0, body, sessionId: response.headers["mcp-session-id"] as string | undefined });
        response.on("end", done);
        response.on("close", done);
      },
    );
    request.on("error", reject);
    request.end(JSON.stringify(options.body));
  });
}

/**
 * The tenant-isolation cases of /v1/_mcp: tenant B's MCP session sees none of tenant A's runs
 * (a foreign handle or session answers as a missing one), and B cannot use A's session id.
 */
export function mcpTenantCases(options: { base: () => string; tokens: { a: string; b: string }; seed: { agentId: string; sessionId: string } }): Record<string, () => Promise<void>> {
  const { base, tokens, seed } = options;
  const strangerSession = async (method: "GET" | "DELETE"): Promise<void> => {
    const { client, transport } = await connectMcp(base(), tokens.a);
    const sessionId = transport.sessionId ?? "";
    const answers = await Promise.all([sessionId, "no-such-session"].map((id) => fetch(`${base()}/v1/_mcp`, { method, headers: { authorization: `Bearer ${tokens.b}`, accept: "text/event-stream", "mcp-session-id": id } })));
    expect(answers.map((answer) => answer.status)).toEqual([404, 404]);
    const [foreign, missing] = await Promise.all(answers.map((answer) => answer.text()));
    expect(foreign).toBe(missing);
    await client.close();
  };
  return {
    "POST /v1/_mcp": async () => {
      const { client } = await connectMcp(base(), tokens.b);
      const answer = async (name: string, args: Record<string, unknown>, id: string): Promise<string> => JSON.stringify((await client.callTool({ name, arguments: args })).structuredContent).replaceAll(id, "<id>");
      expect(await answer("get_run", { agent_id: seed.agentId }, seed.agentId)).toBe(await answer("get_run", { agent_id: "no-such-handle" }, "no-such-handle"));
      expect(await answer("get_transcript", { session_id: seed.sessionId }, seed.sessionId)).toBe(await answer("get_transcript", { session_id: "sess_nope" }, "sess_nope"));
      expect(await answer("get_run", { agent_id: seed.agentId }, seed.agentId)).toContain("not_found");
      expect((await client.callTool({ name: "list_runs", arguments: { user_id: "alice" } })).structuredContent).toEqual({ agents: [] });
      await client.close();
    },
    "GET /v1/_mcp": () => strangerSession("GET"),
    "DELETE /v1/_mcp": () => strangerSession("DELETE"),
  };
}
