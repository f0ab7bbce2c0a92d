import { describe, expect, it } from "vitest";
import type { Tool } from "../tools/index.ts";
import { contextTool } from "../tools/index.ts";
import { loopInput, scripted } from "../../test/support/loop-fixtures.ts";
import { runLoop } from "./run-loop.ts";
import type { InputSource, SteeredInput, TurnControl } from "./types.ts";

/** Inputs the test hands in, and the ids the loop marked consumed. */
function inputSource(queued: SteeredInput[] = []): InputSource & { queued: SteeredInput[]; consumedIds: string[] } {
  const source = {
    queued,
    consumedIds: [] as string[],
    take: async (): Promise<SteeredInput[]> => source.queued.splice(0),
    consumed: async (ids: readonly string[]): Promise<void> => {
      source.consumedIds.push(...ids);
    },
  };
  return source;
}

/** A TurnControl the test can cancel, counting the turns started. */
function turnControl(): TurnControl & { cancel(reason: string): void; started: number; inTurn: boolean } {
  let controller: AbortController | null = null;
  let reason = "";
  const control = {
    started: 0,
    inTurn: false,
    start: (): AbortSignal => {
      control.started++;
      control.inTurn = true;
      controller = new AbortController();
      return controller.signal;
    },
    end: (): void => {
      control.inTurn = false;
      controller = null;
    },
    reason: (): string => reason,
    cancel: (why: string): void => {
      reason = why;
      controller?.abort(new Error(why));
    },
  };
  return control;
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

describe("runLoop with steered input and interactive turns", () => {
  it("an interactive run waits for input at the end of its turn instead of finishing", async () => {
    const { model, metadata } = scripted([{ text: "hello" }]);
    const turns = turnControl();
    const input = loopInput({ model, metadata, interactive: turns, inputs: inputSource() });
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "parked", target: "awaiting_input" });
    expect(input.sink.types()).toEqual(["started", "text", "usage", "awaiting_input"]);
    expect(input.sink.events.at(-1)).toEqual({ type: "awaiting_input", awaiting_input: { since_turn: 1 } });
    expect(turns).toMatchObject({ started: 1, inTurn: false });
  });

  it("takes input waiting when it starts: one user_input event with the input id, then marks it consumed", async () => {
    const { model, metadata } = scripted([{ text: "first" }, { text: "second" }]);
    const inputs = inputSource([{ id: "7", text: "and then?", source: "api" }]);
    const input = loopInput({ model, metadata, interactive: turnControl(), inputs });
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "parked", target: "awaiting_input" });
    // The steer is taken at the first boundary, merged into the first user turn.
    const steer = input.sink.events.find((event) => event.type === "user_input");
    expect(steer).toEqual({ type: "user_input", segments: [{ role: "user", content: [{ type: "text", text: "and then?" }] }], source: "steer", input_id: "7", input_source: "api" });
    expect(inputs.consumedIds).toEqual(["7"]);
  });

  it("a resumed interactive run that was waiting takes the input and answers it", async () => {
    const { model, metadata } = scripted([{ text: "first" }, { text: "second" }]);
    const history = [
      { role: "user" as const, content: [{ type: "text" as const, text: "hi" }] },
      { role: "assistant" as const, content: [{ type: "text" as const, text: "first" }] },
    ];
    const inputs = inputSource([{ id: "8", text: "more", source: "api" }]);
    const input = loopInput({ model, metadata, history, interactive: turnControl(), inputs, resume: { pendingToolCalls: [], awaitingInput: true }, iterationsDone: 1 });
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "parked", target: "awaiting_input" });
    expect(input.sink.types()).toEqual(["user_input", "text", "usage", "awaiting_input"]);
    expect(input.sink.events.filter((event) => event.type === "text")).toEqual([{ type: "text", text: "second" }]);
  });

  it("a resumed interactive run waiting with no input parks again without calling the model", async () => {
    const { model, metadata } = scripted([{ text: "never" }]);
    const history = [
      { role: "user" as const, content: [{ type: "text" as const, text: "hi" }] },
      { role: "assistant" as const, content: [{ type: "text" as const, text: "first" }] },
    ];
    const input = loopInput({ model, metadata, history, interactive: turnControl(), inputs: inputSource(), resume: { pendingToolCalls: [] }, iterationsDone: 1 });
    expect(await runLoop(input)).toMatchObject({ status: "parked", target: "awaiting_input" });
    expect(input.sink.types()).toEqual(["awaiting_input"]);
  });

  it("a turn-cancel stops the tool in flight, answers it with an error result, emits turn_cancelled and waits", async () => {
    const turns = turnControl();
    const { model, metadata } = scripted([{ tools: [{ tool: "Context", input: { op: "self" } }, { tool: "Hang", input: {} }] }, { text: "never" }]);
    const input = loopInput({ model, metadata, tools: [contextTool, hangingTool(() => turns.cancel("stop that"))], interactive: turns, inputs: inputSource() });
    input.limits = { ...input.limits, toolParallelism: 1 };
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "parked", target: "awaiting_input" });
    expect(input.sink.types()).toEqual(["started", "tool_call", "tool_call", "usage", "tool_result", "tool_result", "turn_cancelled", "awaiting_input"]);
    const results = input.sink.events.filter((event) => event.type === "tool_result");
    expect(results[0]).toMatchObject({ is_error: false, tool_use: { name: "Context" } });
    expect(results[1]).toMatchObject({ is_error: true, text: "cancelled by the user", tool_use: { name: "Hang" } });
    expect(input.sink.events.find((event) => event.type === "turn_cancelled")).toEqual({ type: "turn_cancelled", turn_cancelled: { reason: "stop that", since_turn: 1 } });
  });

  it("a turn-cancel during the model call drops the call and waits", async () => {
    const turns = turnControl();
    const { model, metadata } = scripted([{ text: "slow", delay_ms: 60_000 }]);
    const input = loopInput({ model, metadata, interactive: turns, inputs: inputSource() });
    setTimeout(() => turns.cancel(""), 20);
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "parked", target: "awaiting_input" });
    expect(input.sink.types()).toEqual(["started", "turn_cancelled", "awaiting_input"]);
  });

  it("max_iterations applies per user turn of an interactive run", async () => {
    const self = { tool: "Context", input: { op: "self" } };
    const { model, metadata } = scripted([self, self, self, { text: "done" }]);
    const inputs = inputSource();
    const input = loopInput({ model, metadata, tools: [contextTool], maxIterations: 2, interactive: turnControl(), inputs });
    const outcome = await runLoop(input);
    // The turn stops after 2 model calls and the run waits; it does not end.
    expect(outcome).toMatchObject({ status: "parked", target: "awaiting_input" });
    expect(input.sink.types().filter((type) => type === "usage")).toHaveLength(2);
  });

  it("a run that is not interactive goes on with input steered in while the model answered", async () => {
    const { model, metadata } = scripted([{ text: "first" }, { text: "second" }]);
    const inputs = inputSource();
    const input = loopInput({ model, metadata, inputs });
    let calls = 0;
    const original = inputs.take;
    inputs.take = async () => (++calls === 2 ? [{ id: "9", text: "also this", source: "api" }] : original());
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "completed", stop_reason: "end_turn" });
    expect(input.sink.types()).toEqual(["started", "text", "usage", "user_input", "text", "usage", "done"]);
  });

  it("a whole-run cancel of a waiting interactive run ends it cancelled", async () => {
    const cancel = new AbortController();
    cancel.abort(new Error("cancelled by API"));
    const { model, metadata } = scripted([{ text: "never" }]);
    const input = loopInput({ model, metadata, interactive: turnControl(), inputs: inputSource(), resume: { pendingToolCalls: [], awaitingInput: true }, signal: cancel.signal });
    expect(await runLoop(input)).toMatchObject({ status: "cancelled" });
    expect(input.sink.types()).toEqual(["done"]);
  });
});
