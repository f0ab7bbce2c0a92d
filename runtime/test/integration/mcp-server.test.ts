import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, mint } from "../support/auth-client.ts";
import { INITIALIZE, connectMcp, rawPost } from "../support/mcp-client.ts";
import { startTestRuntime } from "../support/test-runtime.ts";

/**
 * loomcycle as an MCP server over Streamable HTTP (/v1/_mcp), driven by the SDK's own Client
 * against a real listening runtime with minted tokens: what each principal lists and may call,
 * that the tools answer what the HTTP routes answer, and the transport's refusals (no token,
 * a foreign Host header, another principal's session id).
 */

const SHARED = "mcp-server-shared-token-0123456789";
/** Every model call takes 100 ms, so the scripted run is still going when the test cancels it. */
const LATENCY_MS = 100;
const longScript = [...Array.from({ length: 20 }, () => ({ tool: "Context", input: { op: "self" } })), { text: "end" }];


describe("loomcycle as an MCP server (Streamable HTTP, postgres store)", () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  const tokens = { tenant: "", reader: "", admin: "" };
  const clients: Client[] = [];

  async function connect(token: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const connected = await connectMcp(runtime.url, token);
    clients.push(connected.client);
    return connected;
  }

  /** One HTTP call as `token`; `route` is `METHOD /path`. */
  async function http(token: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
    const [method = "GET", path = "/"] = route.split(" ");
    const answer = await call({ base: runtime.url, method, path, token, body });
    return { status: answer.status, body: answer.body };
  }

  /** A tool's JSON answer (structuredContent), failing the test on a tool error. */
  async function tool(client: Client, name: string, args: Record<string, unknown>): Promise<any> {
    const result = await client.callTool({ name, arguments: args });
    expect(result.isError ?? false, JSON.stringify(result.content)).toBe(false);
    return result.structuredContent;
  }

  beforeAll(async () => {
    runtime = await startTestRuntime("postgres", {
      auth: { token: SHARED, pepper: "mcp-server", rotationGraceSeconds: 0 },
      mock: { latencyMs: LATENCY_MS, failRate: 0 },
    });
    tokens.tenant = await mint({ base: runtime.url, admin: SHARED, name: "mcp-alice", scopes: ["substrate:tenant"], tenant: "acme", subject: "alice" });
    tokens.reader = await mint({ base: runtime.url, admin: SHARED, name: "mcp-reader", scopes: ["runs:read"], tenant: "acme", subject: "reader" });
    // Last: the first admin token turns the shared token off.
    tokens.admin = await mint({ base: runtime.url, admin: SHARED, name: "mcp-root", scopes: ["substrate:admin"], tenant: "acme", subject: "root" });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await runtime?.dispose();
  });

  it("lists the run tools to a tenant token and the admin tools only to an admin", async () => {
    const { client: tenant } = await connect(tokens.tenant);
    const { client: admin } = await connect(tokens.admin);
    const tenantTools = (await tenant.listTools()).tools.map((entry) => entry.name).sort();
    const adminTools = (await admin.listTools()).tools.map((entry) => entry.name).sort();
    const runTools = ["cancel_run", "compact_run", "get_run", "get_transcript", "list_runs", "run_input", "spawn_run"];
    expect(tenantTools).toEqual(runTools);
    expect(adminTools).toEqual([...runTools, "get_runtime_state", "pause_runtime", "resume_runtime"].sort());
    const spawn = (await tenant.listTools()).tools.find((entry) => entry.name === "spawn_run");
    expect(spawn?.inputSchema.properties).toHaveProperty("timeout_ms");

    // Hidden is not callable: the tenant is refused as a JSON-RPC error, the admin answered as over HTTP.
    const refused = await tenant.callTool({ name: "get_runtime_state", arguments: {} }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(McpError);
    expect((refused as McpError).code).toBe(-32001);
    const state = await tool(admin, "get_runtime_state", {});
    expect(state).toEqual((await http(tokens.admin, "GET /v1/_state")).body);
    expect(state.state).toBe("running");
  });

  it("spawn_run runs the mock agent to its final text, with a progress notification per run event", async () => {
    const { client } = await connect(tokens.tenant);
    const progress: string[] = [];
    const result = await client.callTool({ name: "spawn_run", arguments: { agent: "default", prompt: "hello over mcp", agent_id: "mcp-echo" } }, undefined, {
      onprogress: (note) => progress.push(note.message ?? ""),
    });
    expect(result.isError ?? false).toBe(false);
    expect(result.structuredContent).toMatchObject({ agent_id: "mcp-echo", status: "completed", stop_reason: "end_turn", final_text: "You said: hello over mcp", error: null });
    expect(JSON.parse((result.content as { text: string }[])[0]!.text)).toEqual(result.structuredContent);
    const types = progress.map((message) => JSON.parse(message).type);
    expect(types).toContain("text");
    expect(types.at(-1)).toBe("done");
  });

  it("get_run, list_runs and get_transcript answer what the HTTP routes answer", async () => {
    const { client } = await connect(tokens.tenant);
    const spawned = await tool(client, "spawn_run", { agent: "default", prompt: "compare me", agent_id: "mcp-compare" });

    const run = await tool(client, "get_run", { agent_id: "mcp-compare" });
    expect(run).toEqual((await http(tokens.tenant, "GET /v1/agents/mcp-compare")).body);
    expect(run).toMatchObject({ run_id: spawned.run_id, session_id: spawned.session_id, user_id: "alice", status: "completed" });

    const listed = await tool(client, "list_runs", { user_id: "alice" });
    const httpListed = (await http(tokens.tenant, "GET /v1/users/alice/agents")).body;
    expect(listed.agents.map((entry: any) => entry.run_id)).toEqual(httpListed.agents.map((entry: any) => entry.run_id));
    expect(listed.agents.map((entry: any) => entry.run_id)).toContain(spawned.run_id);
    expect((await tool(client, "list_runs", { user_id: "alice", limit: 1 })).agents).toHaveLength(1);

    const transcript = await tool(client, "get_transcript", { session_id: spawned.session_id });
    expect(transcript).toEqual((await http(tokens.tenant, `GET /v1/sessions/${spawned.session_id}/transcript`)).body);
    expect(transcript.events.length).toBeGreaterThan(2);

    const missing = await client.callTool({ name: "get_run", arguments: { agent_id: "no-such-agent" } });
    expect(missing).toMatchObject({ isError: true, structuredContent: { code: "not_found", error: "agent no-such-agent not found" } });
    const bad = await client.callTool({ name: "list_runs", arguments: { user_id: "alice", limit: 0 } });
    expect(bad).toMatchObject({ isError: true, structuredContent: { code: "invalid_argument" } });
    expect((bad.structuredContent as { error: string }).error).toMatch(/^limit: /);
  });

  it("spawn_run answers status timeout when timeout_ms runs out, and cancel_run stops the slow run", async () => {
    const { client } = await connect(tokens.tenant);
    const started = await tool(client, "spawn_run", { agent: "scripted", prompt: "go slowly", agent_id: "mcp-slow", metadata: { mock_script: longScript }, timeout_ms: 300 });
    expect(started).toMatchObject({ agent_id: "mcp-slow", status: "timeout", error: null });

    const cancelled = await tool(client, "cancel_run", { agent_id: "mcp-slow", reason: "enough" });
    expect(cancelled).toMatchObject({ cancelled: true, cancelled_count: 1, agent_id: "mcp-slow", run_id: started.run_id });
    let status = "";
    for (let attempt = 0; attempt < 50 && status !== "cancelled"; attempt += 1) {
      status = (await http(tokens.tenant, "GET /v1/agents/mcp-slow")).body.status;
      if (status !== "cancelled") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe("cancelled");
    expect((await tool(client, "get_run", { agent_id: "mcp-slow" })).status).toBe("cancelled");
  });

  it("refuses a token without the tool's scope the same way as the HTTP route", async () => {
    const { client } = await connect(tokens.reader);
    const overHttp = await http(tokens.reader, "POST /v1/runs", { agent: "default", prompt: "no" });
    expect(overHttp.status).toBe(403);
    expect(overHttp.body.code).toBe("forbidden");
    const overMcp = await client.callTool({ name: "spawn_run", arguments: { agent: "default", prompt: "no" } }).catch((error: unknown) => error);
    expect(overMcp).toBeInstanceOf(McpError);
    expect((overMcp as McpError).code).toBe(-32001);
    expect((overMcp as McpError).data).toEqual({ code: overHttp.body.code, scope: "runs:create" });
    expect((overMcp as McpError).message).toContain("lacks the scope runs:create");
    // What its scope allows still works.
    expect((await tool(client, "list_runs", { user_id: "alice" })).agents.length).toBeGreaterThan(0);
  });

  it("answers 401 without a token, like every route", async () => {
    const response = await fetch(`${runtime.url}/v1/_mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify(INITIALIZE),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect(await response.json()).toMatchObject({ code: "unauthenticated" });
    const client = new Client({ name: "anonymous", version: "1" });
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(`${runtime.url}/v1/_mcp`)))).rejects.toMatchObject({ code: 401, message: expect.stringContaining("unauthenticated") });
  });

  it("refuses a foreign Host header (DNS rebinding) even with a valid token, and answers localhost", async () => {
    const foreign = await rawPost(runtime.url, { host: "attacker.example", token: tokens.tenant, body: INITIALIZE });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toMatchObject({ jsonrpc: "2.0", error: { code: -32000, message: "Invalid Host header: attacker.example" } });
    const port = new URL(runtime.url).port;
    const local = await rawPost(runtime.url, { host: `localhost:${port}`, token: tokens.tenant, body: INITIALIZE });
    expect(local.status).toBe(200);
    expect(local.sessionId).toMatch(/.+/);
  });

  it("keeps a session to its principal: another token presenting its id is told it does not exist", async () => {
    const { transport } = await connect(tokens.tenant);
    const sessionId = transport.sessionId ?? "";
    expect(sessionId).not.toBe("");
    const listTools = { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} };
    const stolen = await rawPost(runtime.url, { token: tokens.reader, body: listTools, sessionId });
    expect(stolen.status).toBe(404);
    expect(JSON.parse(stolen.body)).toMatchObject({ error: { code: -32001, message: "Session not found" } });
    const own = await rawPost(runtime.url, { token: tokens.tenant, body: listTools, sessionId });
    expect(own.status).toBe(200);
  });
});
