import { describe, expect, it } from "vitest";
import { MockChatModel } from "../providers/index.ts";
import { contextTool } from "../tools/index.ts";
import { loopInput, scripted, slowTool, timedModel } from "../../test/support/loop-fixtures.ts";
import { runLoop } from "./run-loop.ts";

const echo = new MockChatModel("mock-echo", { latencyMs: 0, failRate: 0 });
const finish = { type: "finish" as const, stopReason: "end_turn" as const, usage: { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } };

describe("runLoop", () => {
  it("streams started, text deltas, usage and done for a text answer", async () => {
    const input = loopInput({ model: echo });
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "completed", stop_reason: "end_turn" });
    expect(input.sink.types()[0]).toBe("started");
    expect(input.sink.types().slice(-2)).toEqual(["usage", "done"]);
    const text = input.sink.events.flatMap((event) => (event.type === "text" ? [event.text] : [])).join("");
    expect(text).toBe("You said: hi");
  });

  it("runs model → tool_use → tool_result until the model ends its turn", async () => {
    const { model, metadata } = scripted([{ tool: "Context", input: { op: "self" } }, { text: "all done" }]);
    const input = loopInput({ model, metadata, tools: [contextTool] });
    const outcome = await runLoop(input);
    expect(input.sink.types()).toEqual(["started", "tool_call", "usage", "tool_result", "text", "text", "usage", "done"]);
    const result = input.sink.events.find((event) => event.type === "tool_result");
    expect(result).toMatchObject({ is_error: false, tool_use: { name: "Context" } });
    expect(JSON.parse((result as { text: string }).text)).toMatchObject({ run_id: "run_1", tools: ["Context"] });
    expect(outcome.usage.output_tokens).toBeGreaterThan(0);
  });

  it("runs a turn's tool calls in parallel, never more than the parallelism bound", async () => {
    const tool = slowTool("Slow", 30);
    const calls = Array.from({ length: 5 }, (_, index) => ({ tool: "Slow", input: { index } }));
    const { model, metadata } = scripted([{ tools: calls }, { text: "ok" }]);
    const input = loopInput({ model, metadata, tools: [tool], limits: { toolParallelism: 2, headerTimeoutMs: 5000, idleTimeoutMs: 5000 } });
    await runLoop(input);
    expect(tool.peak).toBe(2);
    expect(input.sink.types().filter((type) => type === "tool_result")).toHaveLength(5);
  });

  it("answers a call to a tool the agent was not granted with an error result the model can read", async () => {
    const { model, metadata } = scripted([{ tool: "Bash", input: { command: "rm -rf /" } }, { text: "sorry" }]);
    const input = loopInput({ model, metadata, tools: [contextTool] });
    const outcome = await runLoop(input);
    expect(outcome.status).toBe("completed");
    expect(input.sink.events.find((event) => event.type === "tool_result")).toMatchObject({
      is_error: true,
      text: 'tool "Bash" is not available to this agent (allowed: Context)',
    });
  });

  it("stops with max_iterations when the model keeps calling tools", async () => {
    const step = { tool: "Context", input: { op: "self" } };
    const { model, metadata } = scripted([step, step, step, step]);
    const input = loopInput({ model, metadata, tools: [contextTool], maxIterations: 3 });
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "completed", stop_reason: "max_iterations" });
    expect(input.sink.types().filter((type) => type === "usage")).toHaveLength(3);
    expect(input.sink.events.at(-1)).toMatchObject({ type: "done", stop_reason: "max_iterations" });
  });

  it("ends with done/cancelled when the run's signal aborts mid-call", async () => {
    const controller = new AbortController();
    const model = timedModel([{ afterMs: 5_000, part: finish }]);
    const input = loopInput({ model, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("cancelled by API")), 20);
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "cancelled", stop_reason: "cancelled" });
    expect(input.sink.events.at(-1)).toMatchObject({ type: "done", stop_reason: "cancelled" });
  });

  it("resumes without a second started event, running the tool calls the stopped process left unanswered", async () => {
    const { model, metadata } = scripted([{ tool: "Context", input: { op: "self" } }, { text: "resumed fine" }]);
    const pending = { id: "mock-0-0", name: "Context", input: { op: "self" } };
    const history = [
      { role: "user" as const, content: [{ type: "text" as const, text: "hi" }] },
      { role: "assistant" as const, content: [{ type: "tool_use" as const, ...pending }] },
    ];
    const input = loopInput({ model, metadata, tools: [contextTool], history, iterationsDone: 1, resume: { pendingToolCalls: [pending] } });
    const outcome = await runLoop(input);
    expect(outcome.status).toBe("completed");
    expect(input.sink.types()).toEqual(["tool_result", "text", "text", "usage", "done"]);
  });

  it("fails with provider_timeout when the first part does not arrive within the header timeout", async () => {
    const model = timedModel([{ afterMs: 5_000, part: finish }]);
    const input = loopInput({ model, limits: { toolParallelism: 1, headerTimeoutMs: 30, idleTimeoutMs: 5_000 } });
    const outcome = await runLoop(input);
    expect(outcome.status).toBe("failed");
    expect(input.sink.events.at(-1)).toEqual({ type: "error", error: "model stream header timeout after 30 ms", code: "provider_timeout" });
  });

  it("uses a model's own stream timeouts over the runtime's (a slow local model)", async () => {
    const model = { ...timedModel([{ afterMs: 200, part: finish }]), streamTimeouts: { headerMs: 1_000, idleMs: 1_000 } };
    const input = loopInput({ model, limits: { toolParallelism: 1, headerTimeoutMs: 30, idleTimeoutMs: 30 } });
    expect(await runLoop(input)).toMatchObject({ status: "completed" });
  });

  it("fails with provider_timeout when the stream stalls between parts past the idle timeout", async () => {
    const model = timedModel([
      { afterMs: 0, part: { type: "text-delta", text: "a" } },
      { afterMs: 5_000, part: finish },
    ]);
    const input = loopInput({ model, limits: { toolParallelism: 1, headerTimeoutMs: 5_000, idleTimeoutMs: 30 } });
    await runLoop(input);
    expect(input.sink.events.at(-1)).toMatchObject({ type: "error", error: "model stream idle timeout after 30 ms" });
  });

  it("reports a provider failure as an error event and a failed outcome", async () => {
    const model = new MockChatModel("mock-echo", { latencyMs: 0, failRate: 1 });
    const input = loopInput({ model });
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "failed", error: "mock: injected failure (LOOMCYCLE_MOCK_FAIL_RATE)" });
    expect(input.sink.events.at(-1)).toMatchObject({ type: "error", code: "provider_error" });
  });
});
