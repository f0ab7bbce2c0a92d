import type { z } from "zod";
import type { Principal, Scope } from "../../domain/index.ts";
import type { PauseService, RunService } from "../../service/index.ts";

/** What a tool call runs with: who is calling, the call's abort signal, and its progress channel. */
export interface ToolContext {
  principal: Principal;
  signal: AbortSignal;
  /** Sends one `notifications/progress` on the call's stream; null when the client sent no progressToken. */
  progress: ((message: string) => Promise<void>) | null;
}

/** The services the MCP tools are built over: the same ones the HTTP routes call. */
export interface McpServices {
  runs: RunService;
  /** The cluster pause; absent = the admin runtime tools are not offered. */
  pause?: PauseService;
  /** The longest `spawn_run` waits for its run before answering `status: "timeout"` (the run goes on). */
  spawnTimeoutMs: number;
}

/**
 * One MCP tool: its input schema (zod, advertised as JSON Schema), the scope it needs (the same
 * as its HTTP route's entry in transports/http/route-scopes.ts) and its handler, which returns
 * the JSON document the tool answers.
 */
export interface McpTool {
  name: string;
  description: string;
  input: z.ZodType<Record<string, unknown>>;
  scope: Scope;
  run: (input: Record<string, unknown>, context: ToolContext) => Promise<object>;
}

/** Declares a tool with a typed handler (its input is what the schema parsed). */
export function defineTool<S extends z.ZodType<Record<string, unknown>>>(tool: {
  name: string;
  description: string;
  input: S;
  scope: Scope;
  run: (input: z.infer<S>, context: ToolContext) => Promise<object>;
}): McpTool {
  // The server hands `run` only what `input` parsed, so the cast is the schema's own output type.
  return { ...tool, run: (input, context) => tool.run(input as z.infer<S>, context) };
}
