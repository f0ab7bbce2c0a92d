import type { ContentBlock, Message, ToolUse } from "../domain/index.ts";
import type { Tool } from "../tools/index.ts";
import { runToolCalls } from "./run-turn.ts";
import type { LoopInput } from "./types.ts";

/** The result a resumed run records for a call that may not run twice. */
export const INTERRUPTED_TOOL_RESULT =
  "interrupted: the process running this tool stopped before it reported a result; it may or may not have taken effect — check before retrying";

/** A resumed run's calls without results: the ones to run again and the ones to report as interrupted. */
export interface PendingPartition {
  rerun: ToolUse[];
  interrupted: ToolUse[];
}

/** Whether `tool` declares this call safe to run again (Tool.idempotent; absent = no). */
export function isIdempotentCall(tool: Tool, call: ToolUse): boolean {
  const declared = tool.idempotent;
  if (typeof declared === "function") return declared(call.input);
  return declared === true;
}

/**
 * Splits the calls a resumed run left without results (its process stopped, or it was parked at
 * once, while they ran): calls of idempotent tools run again; the others are never re-run. A call
 * of a tool the run no longer has runs "again" too: dispatch answers it with the usual error.
 */
export function partitionPendingCalls(calls: readonly ToolUse[], tools: readonly Tool[]): PendingPartition {
  const partition: PendingPartition = { rerun: [], interrupted: [] };
  for (const call of calls) {
    const tool = tools.find((candidate) => candidate.name === call.name);
    if (tool === undefined || isIdempotentCall(tool, call)) partition.rerun.push(call);
    else partition.interrupted.push(call);
  }
  return partition;
}

/**
 * Finishes a resumed run's calls without results: re-runs the idempotent ones, records an
 * `interrupted` error result for the others (never re-run), and returns the user message holding
 * every result in call order.
 */
export async function runPendingToolCalls(options: { input: LoopInput; calls: readonly ToolUse[]; requestCompaction: () => void }): Promise<Message> {
  const { input, calls } = options;
  const { rerun, interrupted } = partitionPendingCalls(calls, input.tools);
  for (const call of interrupted) input.sink.emit({ type: "tool_result", tool_use: call, text: INTERRUPTED_TOOL_RESULT, is_error: true });
  const rerunMessage = rerun.length === 0 ? null : await runToolCalls({ input, calls: rerun, requestCompaction: options.requestCompaction });
  const byId = new Map<string, ContentBlock>();
  for (const block of rerunMessage?.content ?? []) if (block.type === "tool_result") byId.set(block.tool_use_id, block);
  const content = calls.map(
    (call): ContentBlock => byId.get(call.id) ?? { type: "tool_result", tool_use_id: call.id, text: INTERRUPTED_TOOL_RESULT, is_error: true },
  );
  return { role: "user", content };
}
