import { describe, expect, it } from "vitest";
import { toolContext } from "../../../../test/support/tool-context.ts";
import { createInterruptionTool } from "./index.ts";
import type { AskInput, AskOutcome, InterruptionPort, Refusal } from "./index.ts";

/** A port that records what the tool asked for and answers with `outcome`. */
function fakePort(outcome: AskOutcome | Refusal | Error = { status: "answered", interrupt_id: "int_1", answer: "yes" }): InterruptionPort & { asks: AskInput[] } {
  const asks: AskInput[] = [];
  const answer = <T>(value: T): Promise<T> => (outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(value));
  return {
    asks,
    ask: (_context, input) => {
      asks.push(input);
      return answer(outcome as AskOutcome);
    },
    notify: () => answer({ interrupt_id: "int_n" }),
    cancel: (_context, interruptId) => answer({ interrupt_id: interruptId }),
  };
}

describe("Interruption tool", () => {
  it("passes a valid ask to the port with its defaults, and returns the answer as JSON", async () => {
    const port = fakePort();
    const result = await createInterruptionTool(port).execute({ op: "ask", question: " Deploy? ", context: { pr: 7 } }, toolContext());
    expect(port.asks).toEqual([{ question: "Deploy?", options: [], context: '{"pr":7}', timeoutMs: null, priority: "normal" }]);
    expect(result).toEqual({ text: '{"status":"answered","interrupt_id":"int_1","answer":"yes"}', is_error: false });
  });

  it("reports an expired ask as an error result the model can read", async () => {
    const port = fakePort({ status: "expired", interrupt_id: "int_1", expires_at: "2026-01-01T00:00:00.000Z" });
    const result = await createInterruptionTool(port).execute({ op: "ask", question: "Deploy?", timeout_ms: 5 }, toolContext());
    expect(result.is_error).toBe(true);
    expect(JSON.parse(result.text)).toEqual({
      status: "expired",
      interrupt_id: "int_1",
      expires_at: "2026-01-01T00:00:00.000Z",
      error: "nobody answered before 2026-01-01T00:00:00.000Z; go on without the answer, or ask again",
    });
  });

  it.each([
    [{}, "Interruption: op: must be one of ask, notify, cancel"],
    [{ op: "page" }, "Interruption: op: must be one of ask, notify, cancel"],
    [{ op: "ask" }, "Interruption: question: Invalid input: expected string, received undefined"],
    [{ op: "ask", question: "  " }, "Interruption: question: must not be empty"],
    [{ op: "ask", question: "q", options: ["a", ""] }, "Interruption: options.1: must not be empty"],
    [{ op: "ask", question: "q", timeout_ms: 1.5 }, "Interruption: timeout_ms: Invalid input: expected int, received number"],
    [{ op: "ask", question: "q", priority: "urgent" }, 'Interruption: priority: Invalid option: expected one of "low"|"normal"|"high"'],
    [{ op: "ask", question: "q", context: "x".repeat(32_001) }, "Interruption: context: at most 32000 characters"],
    [{ op: "notify" }, "Interruption: message: Invalid input: expected string, received undefined"],
    [{ op: "cancel", interruption_id: "" }, "Interruption: interruption_id: must not be empty"],
  ])("refuses %j naming the field", async (input, text) => {
    const port = fakePort();
    expect(await createInterruptionTool(port).execute(input, toolContext())).toEqual({ text, is_error: true });
    expect(port.asks).toEqual([]);
  });

  it("turns a port refusal into an error result", async () => {
    const result = await createInterruptionTool(fakePort({ refusal: "not enabled" })).execute({ op: "ask", question: "q" }, toolContext());
    expect(result).toEqual({ text: "Interruption: not enabled", is_error: true });
  });

  it("answers notify and cancel with their ids", async () => {
    const tool = createInterruptionTool(fakePort());
    expect(await tool.execute({ op: "notify", message: "hi", priority: "high" }, toolContext())).toEqual({ text: '{"status":"delivered","interrupt_id":"int_n"}', is_error: false });
    expect(await tool.execute({ op: "cancel", interruption_id: "int_9" }, toolContext())).toEqual({ text: '{"status":"cancelled","interrupt_id":"int_9"}', is_error: false });
  });

  it("reports a failing store as an error result, but lets a cancelled run's abort through", async () => {
    const tool = createInterruptionTool(fakePort(new Error("store down")));
    expect(await tool.execute({ op: "ask", question: "q" }, toolContext())).toEqual({ text: "Interruption: failed: store down", is_error: true });
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    await expect(tool.execute({ op: "ask", question: "q" }, toolContext({ signal: controller.signal }))).rejects.toThrow("store down");
  });
});
