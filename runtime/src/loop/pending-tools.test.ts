import { describe, expect, it } from "vitest";
import type { ToolUse } from "../domain/index.ts";
import type { Tool } from "../tools/index.ts";
import { loopInput, scripted } from "../../test/support/loop-fixtures.ts";
import { INTERRUPTED_TOOL_RESULT, partitionPendingCalls } from "./pending-tools.ts";
import { runLoop } from "./run-loop.ts";

/** A tool that counts its executions; `idempotent` as declared. */
function countingTool(name: string, idempotent: Tool["idempotent"]): Tool & { calls: Record<string, unknown>[] } {
  const calls: Record<string, unknown>[] = [];
  return {
    name,
    description: name,
    inputSchema: { type: "object" },
    ...(idempotent === undefined ? {} : { idempotent }),
    calls,
    execute: (input, context) => {
      calls.push({ ...input, key: context.idempotencyKey });
      return Promise.resolve({ text: `${name} ran`, is_error: false });
    },
  };
}

const call = (id: string, name: string, input: Record<string, unknown> = {}): ToolUse => ({ id, name, input });

describe("partitionPendingCalls", () => {
  it("re-runs calls of idempotent tools (or ops) and reports the others as interrupted", () => {
    const read = countingTool("Read", true);
    const bash = countingTool("Bash", false);
    const undeclared = countingTool("Legacy", undefined);
    const channel = countingTool("Channel", (input) => input["op"] !== "subscribe");
    const calls = [call("a", "Read"), call("b", "Bash"), call("c", "Legacy"), call("d", "Channel", { op: "publish" }), call("e", "Channel", { op: "subscribe" }), call("f", "Gone")];
    const { rerun, interrupted } = partitionPendingCalls(calls, [read, bash, undeclared, channel]);
    expect(rerun.map((item) => item.id)).toEqual(["a", "d", "f"]);
    expect(interrupted.map((item) => item.id)).toEqual(["b", "c", "e"]);
  });
});

describe("a resumed run's calls without results", () => {
  it("re-runs the idempotent call with its run_id:call_id key, never re-runs the other, and tells the model it was interrupted", async () => {
    const read = countingTool("Read", true);
    const bash = countingTool("Bash", false);
    const pending = [call("call-1", "Read", { path: "a" }), call("call-2", "Bash", { command: "rm x" })];
    const history = [
      { role: "user" as const, content: [{ type: "text" as const, text: "hi" }] },
      { role: "assistant" as const, content: pending.map((item) => ({ type: "tool_use" as const, ...item })) },
    ];
    const { model, metadata } = scripted([{ text: "done after resume" }]);
    const input = loopInput({ model, metadata, tools: [read, bash], history, iterationsDone: 1, resume: { pendingToolCalls: pending } });
    const outcome = await runLoop(input);

    expect(outcome.status).toBe("completed");
    expect(read.calls).toEqual([{ path: "a", key: "run_1:call-1" }]);
    expect(bash.calls).toEqual([]);
    const results = input.sink.events.filter((event) => event.type === "tool_result");
    expect(results).toHaveLength(2);
    expect(results).toContainEqual({ type: "tool_result", tool_use: pending[1], text: INTERRUPTED_TOOL_RESULT, is_error: true });
    expect(results).toContainEqual({ type: "tool_result", tool_use: pending[0], text: "Read ran", is_error: false });
  });
});
