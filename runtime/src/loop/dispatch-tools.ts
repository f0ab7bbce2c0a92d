import { SpanStatusCode, trace } from "@opentelemetry/api";
import { credentialValues, isAppError, maskSecrets } from "../domain/index.ts";
import type { ToolUse } from "../domain/index.ts";
import type { Tool, ToolContext, ToolHooks, ToolResult } from "../tools/index.ts";
import type { EventSink } from "./types.ts";

export interface DispatchOptions {
  calls: readonly ToolUse[];
  tools: readonly Tool[];
  /** The run's context; each call gets it with its own `callId`. */
  context: Omit<ToolContext, "callId">;
  parallelism: number;
  sink: EventSink;
  /** Pre/post hooks around every call of a tool the run has. */
  hooks?: ToolHooks;
}

/**
 * Runs a turn's tool calls, at most `parallelism` at once, emitting each `tool_result` as it
 * completes. Failures and refusals become error results for the model, never exceptions.
 * Returns the results in call order, with the run's secret values masked.
 */
export async function dispatchTools(options: DispatchOptions): Promise<ToolResult[]> {
  const results: ToolResult[] = new Array<ToolResult>(options.calls.length);
  const secrets = credentialValues(options.context.secrets);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.calls.length) {
      const index = next++;
      const call = options.calls[index] as ToolUse;
      const result = await hookedCall(call, { ...options, secrets });
      results[index] = result;
      options.sink.emit({ type: "tool_result", tool_use: call, text: result.text, is_error: result.is_error });
    }
  };
  const width = Math.max(1, Math.min(options.parallelism, options.calls.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}

const tracer = trace.getTracer("loomcycle");

type CallOptions = DispatchOptions & { secrets: readonly string[] };

function masked(result: ToolResult, secrets: readonly string[]): ToolResult {
  return secrets.length === 0 ? result : { text: maskSecrets(result.text, secrets), is_error: result.is_error };
}

/**
 * One call through its hooks: pre hooks may deny it or rewrite its input, post hooks may
 * rewrite its result. Secret values are masked before post hooks and the model see the result.
 */
async function hookedCall(call: ToolUse, options: CallOptions): Promise<ToolResult> {
  const tool = options.tools.find((candidate) => candidate.name === call.name);
  if (tool === undefined) {
    const allowed = options.tools.map((candidate) => candidate.name).join(", ") || "none";
    return { text: `tool "${call.name}" is not available to this agent (allowed: ${allowed})`, is_error: true };
  }
  const { hooks, secrets } = options;
  const signal = options.context.signal;
  if (hooks === undefined) return masked(await executeOne(tool, call, options), secrets);
  const pre = await hooks.before(call, signal);
  if (pre.kind === "refuse") return masked(pre.result, secrets);
  const hooked = { ...call, input: pre.input };
  const result = masked(await executeOne(tool, hooked, options), secrets);
  return masked(await hooks.after(hooked, result, signal), secrets);
}

async function executeOne(tool: Tool, call: ToolUse, options: DispatchOptions): Promise<ToolResult> {
  return tracer.startActiveSpan("loomcycle.tool.call", { attributes: { "loomcycle.tool": call.name } }, async (span) => {
    try {
      const result = await tool.execute(call.input, { ...options.context, callId: call.id, idempotencyKey: `${options.context.runId}:${call.id}` });
      // A forced park leaves the call without a result, whatever the tool made of its abort: on
      // resume it re-runs when idempotent, else the model is told it was interrupted (pending-tools.ts).
      if (isAppError(options.context.signal.reason, "PARKED")) throw options.context.signal.reason;
      span.setAttribute("loomcycle.tool_is_error", result.is_error);
      return result;
    } catch (error) {
      if (options.context.signal.aborted) throw error;
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      return { text: `tool "${call.name}" failed: ${(error as Error).message}`, is_error: true };
    } finally {
      span.end();
    }
  });
}
