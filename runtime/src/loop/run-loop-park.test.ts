import { describe, expect, it } from "vitest";
import { AppError } from "../domain/index.ts";
import type { ParkTarget } from "../domain/index.ts";
import type { Tool } from "../tools/index.ts";
import { contextTool } from "../tools/index.ts";
import { loopInput, scripted } from "../../test/support/loop-fixtures.ts";
import { runLoop } from "./run-loop.ts";
import type { ParkControl } from "./types.ts";

/** A park control driven by the test. */
function parkControl(): ParkControl & { ask(target: ParkTarget): void; force(target: ParkTarget): void } {
  const controller = new AbortController();
  let target: ParkTarget | null = null;
  return {
    signal: controller.signal,
    target: () => target,
    ask(next) {
      target = next;
    },
    force(next) {
      target = next;
      controller.abort(new AppError("PARKED", "parking"));
    },
  };
}

/** A tool that waits until its call is aborted, then throws the abort reason. */
function hangingTool(onStart: () => void): Tool {
  return {
    name: "Hang",
    description: "waits for its abort",
    inputSchema: { type: "object" },
    execute: (_input, context) =>
      new Promise((_resolve, reject) => {
        context.signal.addEventListener("abort", () => reject(context.signal.reason as Error), { once: true });
        onStart();
      }),
  };
}

const self = { tool: "Context", input: { op: "self" } };

describe("runLoop parking", () => {
  it("parks at the next iteration boundary, after the turn in flight, with no terminal event", async () => {
    const park = parkControl();
    const { model, metadata } = scripted([self, self, { text: "never reached" }]);
    const input = loopInput({ model, metadata, tools: [contextTool], park });
    // Asked while the first turn runs: that turn finishes (its tool result stored), then the run parks.
    const tool: Tool = { ...contextTool, execute: (toolInput, context) => (park.ask("paused"), contextTool.execute(toolInput, context)) };
    input.tools = [tool];
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "parked", target: "paused" });
    expect(input.sink.types()).toEqual(["started", "tool_call", "usage", "tool_result"]);
    expect(outcome.usage.output_tokens).toBeGreaterThan(0);
  });

  it("a forced park aborts the tool call in flight and leaves it without a result", async () => {
    const park = parkControl();
    const { model, metadata } = scripted([{ tool: "Hang", input: {} }, { text: "never reached" }]);
    const input = loopInput({ model, metadata, tools: [hangingTool(() => park.force("queued"))], park });
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "parked", target: "queued" });
    expect(input.sink.types()).toEqual(["started", "tool_call", "usage"]);
  });

  it("a cancel wins over a park", async () => {
    const park = parkControl();
    const cancel = new AbortController();
    const { model, metadata } = scripted([{ tool: "Hang", input: {} }]);
    const tool = hangingTool(() => {
      park.force("paused");
      cancel.abort(new AppError("CANCELLED", "cancelled by API"));
    });
    const input = loopInput({ model, metadata, tools: [tool], park, signal: cancel.signal });
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "cancelled" });
    expect(input.sink.events.at(-1)).toMatchObject({ type: "done", stop_reason: "cancelled" });
  });

  it("continues its usage from before the park", async () => {
    const usageSoFar = { input_tokens: 100, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const { model, metadata } = scripted([{ text: "done" }]);
    const outcome = await runLoop(loopInput({ model, metadata, usageSoFar }));
    expect(outcome.usage.input_tokens).toBeGreaterThan(100);
    expect(outcome.usage.output_tokens).toBeGreaterThan(50);
  });
});
