import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { AppError, grantsScope, isAppError } from "../../domain/index.ts";
import type { Logger, Principal } from "../../domain/index.ts";
import { adminTools } from "./admin-tools.ts";
import { runTools } from "./run-tools.ts";
import type { McpServices, McpTool, ToolContext } from "./tool-kit.ts";

/** The JSON-RPC error code of a refused call (a token without the tool's scope), as loomcycle's MCP server. */
export const FORBIDDEN_CODE = -32001;

/** Builds one MCP server per session; the tools and their JSON Schemas are built once. */
export type McpServerFactory = (principalOf: () => Principal) => Server;

interface Listed {
  tool: McpTool;
  descriptor: Tool;
}

/**
 * The MCP server factory: the run tools and the admin runtime tools over the service layer.
 * `tools/list` leaves out the tools a non-admin may never call (substrate:admin); `tools/call`
 * checks the tool's scope against the session's principal as its HTTP route does, and answers a
 * refusal as a JSON-RPC error (-32001), a service error (AppError) as a tool error
 * (`isError`, the message, `{code, error}`), and a result as JSON text plus structuredContent.
 */
export function createMcpServerFactory(services: McpServices & { logger: Logger; version: string }): McpServerFactory {
  const listed = new Map<string, Listed>([...runTools(services), ...adminTools(services.pause)].map((tool) => [tool.name, { tool, descriptor: describe(tool) }]));
  return (principalOf) => {
    const server = new Server({ name: "loomcycle", version: services.version }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [...listed.values()].filter(({ tool }) => visible(tool, principalOf())).map(({ descriptor }) => descriptor),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const tool = callable(listed, request.params.name, principalOf());
      const progress = progressOf(extra._meta?.progressToken, extra.sendNotification);
      return callTool(tool, request.params.arguments ?? {}, { principal: principalOf(), signal: extra.signal, progress, logger: services.logger });
    });
    return server;
  };
}

function describe(tool: McpTool): Tool {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.input, { io: "input" }) as Record<string, unknown>;
  return { name: tool.name, description: tool.description, inputSchema: { ...schema, type: "object" } };
}

/** Admin-only tools are invisible to everyone else; the others are listed and refused per scope on call. */
function visible(tool: McpTool, principal: Principal): boolean {
  return tool.scope !== "substrate:admin" || grantsScope(principal.scopes, "substrate:admin");
}

function callable(listed: ReadonlyMap<string, Listed>, name: string, principal: Principal): McpTool {
  const entry = listed.get(name);
  if (entry === undefined) throw new McpError(ErrorCode.InvalidParams, `unknown tool ${name}`);
  if (!grantsScope(principal.scopes, entry.tool.scope)) {
    throw new McpError(FORBIDDEN_CODE, `this token lacks the scope ${entry.tool.scope} that the tool requires`, { code: "forbidden", scope: entry.tool.scope });
  }
  return entry.tool;
}

type Notify = (notification: { method: "notifications/progress"; params: { progressToken: string | number; progress: number; message: string } }) => Promise<void>;

function progressOf(token: string | number | undefined, send: Notify): ToolContext["progress"] {
  if (token === undefined) return null;
  let sent = 0;
  return (message) => send({ method: "notifications/progress", params: { progressToken: token, progress: ++sent, message } });
}

async function callTool(tool: McpTool, args: unknown, context: ToolContext & { logger: Logger }): Promise<CallToolResult> {
  try {
    const result = await tool.run(parseInput(tool, args), context);
    return { content: [{ type: "text", text: JSON.stringify(result) }], structuredContent: result as Record<string, unknown> };
  } catch (error) {
    return toolError(tool, error, context.logger);
  }
}

function parseInput(tool: McpTool, args: unknown): Record<string, unknown> {
  const parsed = tool.input.safeParse(args);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined ? "arguments" : issueField(issue);
  throw new AppError("INVALID_ARGUMENT", `${field}: ${issue?.message ?? "invalid"}`, { details: { field } });
}

function issueField(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return issue.keys.join(", ");
  return issue.path.length === 0 ? "arguments" : issue.path.join(".");
}

/** An AppError is the tool's answer (isError); an auth refusal is a JSON-RPC error; anything else is logged and hidden. */
function toolError(tool: McpTool, error: unknown, logger: Logger): CallToolResult {
  if (isAppError(error, "UNAUTHENTICATED") || isAppError(error, "FORBIDDEN")) {
    throw new McpError(FORBIDDEN_CODE, error.message, { code: error.code.toLowerCase() });
  }
  const known = isAppError(error) ? error : null;
  if (known === null) logger.error({ err: error, tool: tool.name }, "MCP tool failed");
  const code = known?.code.toLowerCase() ?? "internal";
  const message = known?.message ?? "internal error";
  return { isError: true, content: [{ type: "text", text: message }], structuredContent: { code, error: message } };
}
