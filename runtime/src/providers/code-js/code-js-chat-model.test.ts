import { describe, expect, it } from "vitest";
import { isAppError } from "../../domain/index.ts";
import type { Message } from "../../domain/index.ts";
import type { ChatModel, ModelRequest, ModelStreamPart } from "../chat-model.ts";
import { createCodeJsChatModel } from "./index.ts";
import type { CodeJsOptions } from "./index.ts";
import { quickJsModule } from "./quickjs-engine.ts";

/** Size of the QuickJS WebAssembly memory (an emscripten internal, read for the leak check only). */
function wasmHeapBytes(): number {
  return (quickJsModule() as unknown as { module: { HEAPU8: Uint8Array } }).module.HEAPU8.byteLength;
}

type ToolCallPart = Extract<ModelStreamPart, { type: "tool-call" }>;

/** One model call as the loop makes it: the parts, the tool call (if any), the text and the stop reason. */
interface Turn {
  parts: ModelStreamPart[];
  call: ToolCallPart | undefined;
  text: string;
  stopReason: string | undefined;
}

interface CallOptions {
  tools?: string[];
  metadata?: Record<string, unknown>;
}

function request(messages: Message[], { tools = ["Context"], metadata = {} }: CallOptions = {}): ModelRequest {
  return {
    system: "",
    messages,
    tools: tools.map((name) => ({ name, description: name, input_schema: { type: "object" } })),
    maxTokens: 0,
    metadata,
  };
}

async function callModel(model: ChatModel, messages: Message[], options?: CallOptions): Promise<Turn> {
  const parts: ModelStreamPart[] = [];
  for await (const part of model.stream(request(messages, options), { signal: new AbortController().signal })) parts.push(part);
  const finish = parts.find((part) => part.type === "finish");
  return {
    parts,
    call: parts.find((part): part is ToolCallPart => part.type === "tool-call"),
    text: parts.flatMap((part) => (part.type === "text-delta" ? [part.text] : [])).join(""),
    stopReason: finish?.type === "finish" ? finish.stopReason : undefined,
  };
}

/** Appends the assistant tool_use and the user tool_result, as the loop does after a tool turn. */
function answer(messages: Message[], call: ToolCallPart, result: string | { error: string }): Message[] {
  const text = typeof result === "string" ? result : result.error;
  const isError = typeof result !== "string";
  return [
    ...messages,
    { role: "assistant", content: [{ type: "tool_use", id: call.id, name: call.name, input: call.input }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, text, is_error: isError }] },
  ];
}

function user(text: string): Message {
  return { role: "user", content: [{ type: "text", text }] };
}

function model(code: string, overrides: Partial<CodeJsOptions> = {}): ChatModel {
  return createCodeJsChatModel({ model: "test-agent", code, ...overrides });
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; retryable: boolean }> {
  try {
    await promise;
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { code: error.code, message: error.message, retryable: error.retryable };
  }
  throw new Error("expected a failure");
}

const TWO_CALLS = `
function run(input) {
  const self = Context({ op: "self" });
  const other = Context({ op: "peers", of: self.agent });
  return { final_text: input.prompt + ": " + self.agent + " / " + other };
}`;

describe("code-js chat model", () => {
  it("calls two tools, one per turn, and ends with a text built from both results", async () => {
    const agent = model(TWO_CALLS);
    let messages = [user("report")];
    const first = await callModel(agent, messages);
    expect(first.parts).toEqual([
      { type: "tool-call", id: "cjs-0", name: "Context", input: { op: "self" } },
      {
        type: "finish",
        stopReason: "tool_use",
        usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, model: "test-agent", provider: "code-js", max_context_tokens: 0 },
      },
    ]);
    messages = answer(messages, first.call!, JSON.stringify({ agent: "alpha" }));
    const second = await callModel(agent, messages);
    expect(second.call).toEqual({ type: "tool-call", id: "cjs-1", name: "Context", input: { op: "peers", of: "alpha" } });
    expect(second.stopReason).toBe("tool_use");
    messages = answer(messages, second.call!, "beta and gamma");
    const third = await callModel(agent, messages);
    expect(third).toMatchObject({ call: undefined, text: "report: alpha / beta and gamma", stopReason: "end_turn" });
  });

  it("gives the same final text when a brand-new instance takes the second call (restart between tool calls)", async () => {
    const first = model(TWO_CALLS);
    let messages = [user("report")];
    const turn1 = await callModel(first, messages);
    messages = answer(messages, turn1.call!, JSON.stringify({ agent: "alpha" }));
    const restarted = model(TWO_CALLS);
    const turn2 = await callModel(restarted, messages);
    expect(turn2.call?.input).toEqual({ op: "peers", of: "alpha" });
    messages = answer(messages, turn2.call!, "beta and gamma");
    const turn3 = await callModel(model(TWO_CALLS), messages);
    expect(turn3.text).toBe("report: alpha / beta and gamma");
  });

  it("fails loud when the code replays a history another program recorded", async () => {
    let messages = [user("go")];
    const turn = await callModel(model(TWO_CALLS), messages);
    messages = answer(messages, turn.call!, JSON.stringify({ agent: "alpha" }));
    const other = model(`function run() { return Context({ op: "other" }); }`);
    const error = await failure(callModel(other, messages));
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", retryable: false });
    expect(error.message).toMatch(/^code_agent_replay_divergence: call #1 is Context\({"op":"other"}\) but the history records Context\({"op":"self"}\)/);
  });

  it("fails loud when run() returns before making the calls the history records", async () => {
    let messages = [user("go")];
    const turn = await callModel(model(TWO_CALLS), messages);
    messages = answer(messages, turn.call!, "{}");
    const error = await failure(callModel(model(`function run() { return "done"; }`), messages));
    expect(error.message).toBe("code_agent_replay_divergence: run() returned after 0 tool calls but the history records 1");
  });

  it("turns an error result into a JS Error thrown by the call", async () => {
    const code = `function run() { try { Context({ op: "x" }); return "no"; } catch (e) { return "caught " + (e instanceof Error) + ": " + e.message; } }`;
    let messages = [user("go")];
    const turn = await callModel(model(code), messages);
    messages = answer(messages, turn.call!, { error: "Context: unknown op" });
    expect((await callModel(model(code), messages)).text).toBe("caught true: Context: unknown op");
  });

  it("reports code that throws as code_agent_threw", async () => {
    const error = await failure(callModel(model(`function run() { throw new Error("boom"); }`), [user("go")]));
    expect(error).toEqual({ code: "PROVIDER_ERROR", message: "code_agent_threw: boom", retryable: false });
    const typeError = await failure(callModel(model(`function run() { return null.x; }`), [user("go")]));
    expect(typeError.message).toMatch(/^code_agent_threw: TypeError: /);
  });

  it("interrupts an infinite loop with code_agent_timeout within the wall-clock limit, even if the loop catches", async () => {
    const agent = model(`function run() { for (;;) { try { while (true) {} } catch (e) {} } }`, { limits: { wallClockMs: 200 } });
    const started = Date.now();
    const error = await failure(callModel(agent, [user("go")]));
    expect(error).toEqual({ code: "PROVIDER_ERROR", message: "code_agent_timeout", retryable: false });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("stops a memory bomb with a clear error, and the next call still works", async () => {
    const bomb = model(`function run() { const a = []; for (;;) a.push({ n: a.length }); }`, { limits: { memoryBytes: 8 * 1024 * 1024 } });
    const error = await failure(callModel(bomb, [user("go")]));
    expect(error.message).toBe("code_agent_out_of_memory: run() exceeded the memory limit of 8388608 bytes");
    expect((await callModel(model(`function run(i) { return "alive " + i.prompt; }`), [user("after")])).text).toBe("alive after");
  });

  it("turns runaway recursion into a catchable stack overflow, not a host crash", async () => {
    const error = await failure(callModel(model(`function f(n) { return f(n + 1) + 1; } function run() { return f(0); }`), [user("go")]));
    expect(error.message).toBe("code_agent_threw: InternalError: stack overflow");
    expect((await callModel(model(`function run() { return "ok"; }`), [user("go")])).text).toBe("ok");
  });

  it("offers no eval, no Function constructor, no timers and no host modules", async () => {
    const code = `function run() {
      const probes = {
        eval: typeof eval,
        Function: (() => { try { return String(Function("return 1")()); } catch (e) { return e.name; } })(),
        ctor: (() => { try { return String((function () {}).constructor("return 1")()); } catch (e) { return e.name; } })(),
        asyncCtor: (() => { try { (async function () {}).constructor("return 1"); return "open"; } catch (e) { return e.name; } })(),
        timers: typeof setTimeout + "," + typeof setInterval,
        host: typeof require + "," + typeof process + "," + typeof fetch + "," + typeof std + "," + typeof os,
      };
      return JSON.stringify(probes);
    }`;
    const probes = JSON.parse((await callModel(model(code), [user("go")])).text) as Record<string, string>;
    expect(probes).toEqual({
      eval: "undefined",
      Function: "EvalError",
      ctor: "EvalError",
      asyncCtor: "EvalError",
      timers: "undefined,undefined",
      host: "undefined,undefined,undefined,undefined,undefined",
    });
  });

  it("makes Math.random and Date deterministic across replays, with the clock moving per tool call", async () => {
    const code = `function run() {
      const before = [Math.random(), Math.random(), Date.now(), new Date().toISOString()];
      Context({ op: "self" });
      const after = [Math.random(), Date.now(), new Date(0).toISOString(), new Date() instanceof Date];
      return JSON.stringify({ before, after });
    }`;
    const first = await callModel(model(code), [user("go")]);
    const messages = answer([user("go")], first.call!, "{}");
    const replayA = JSON.parse((await callModel(model(code), messages)).text) as { before: unknown[]; after: unknown[] };
    const replayB = JSON.parse((await callModel(model(code), messages)).text) as { before: unknown[]; after: unknown[] };
    expect(replayA).toEqual(replayB);
    expect(replayA.before[2]).toBe(Date.UTC(2025, 0, 1));
    expect(replayA.before[3]).toBe("2025-01-01T00:00:00.000Z");
    expect(replayA.after.slice(1)).toEqual([Date.UTC(2025, 0, 1) + 1_000, "1970-01-01T00:00:00.000Z", true]);
    expect(replayA.before[0]).not.toBe(replayA.before[1]);
    const seeded = JSON.parse((await callModel(model(code, { seed: 7 }), messages)).text) as { before: unknown[] };
    expect(seeded.before[0]).not.toBe(replayA.before[0]);
  });

  it("refuses a syntax error or a missing run() at creation", () => {
    expect(() => model("function run( {")).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/^code-js: SyntaxError: /) }));
    expect(() => model("function main() {}")).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT", message: "code-js: the code must define a top-level `function run(input)` (run is undefined)" }));
    expect(() => model("const run = 3;")).toThrow(/run is number/);
    expect(() => model("throw new Error('nope'); function run() {}")).toThrow(/code-js: Error: nope/);
    expect(() => model("function run() {}", { limits: { wallClockMs: 0 } })).toThrow(/limits.wallClockMs must be a positive integer/);
  });

  it("passes metadata, accepts an async run(), binds dotted and mcp names, and leaves ungranted tools undefined", async () => {
    const code = `async function run(input) {
      const bound = [typeof Memory.get, typeof mcp__files__read, typeof Bash].join(",");
      return { final_text: bound + " " + input.metadata.team + " " + input.prompt };
    }`;
    const turn = await callModel(model(code), [user("hi")], {
      tools: ["Memory.get", "mcp__files__read", "not-an-identifier"],
      metadata: { team: "red" },
    });
    expect(turn.text).toBe("function,function,undefined red hi");
  });

  it("rejects a run() result that is neither a string nor { final_text }", async () => {
    const error = await failure(callModel(model(`function run() { return 42; }`), [user("go")]));
    expect(error.message).toBe("code_agent_bad_result: run() must return a string or { final_text: string }, got 42");
  });

  it("starts a later run of the session from its own prompt, with session-unique call ids", async () => {
    let messages = [user("first")];
    const turn = await callModel(model(TWO_CALLS), messages);
    messages = answer(messages, turn.call!, JSON.stringify({ agent: "a" }));
    const second = await callModel(model(TWO_CALLS), messages);
    messages = answer(messages, second.call!, "b");
    messages = [...messages, { role: "assistant", content: [{ type: "text", text: "first: a / b" }] }, user("again")];
    const next = await callModel(model(TWO_CALLS), messages);
    expect(next.call).toEqual({ type: "tool-call", id: "cjs-2", name: "Context", input: { op: "self" } });
  });

  it("disposes every sandbox: 200 calls grow neither the host heap nor the WebAssembly heap", async () => {
    const agent = model(`function run(input) { const a = []; for (let k = 0; k < 20000; k++) a.push(input.prompt + k); return String(a.length); }`);
    for (let index = 0; index < 20; index++) await callModel(agent, [user("warm")]);
    const before = { host: process.memoryUsage().heapUsed, wasm: wasmHeapBytes() };
    for (let index = 0; index < 200; index++) expect((await callModel(agent, [user("x")])).text).toBe("20000");
    expect(process.memoryUsage().heapUsed - before.host).toBeLessThan(32 * 1024 * 1024);
    // A leaked runtime + context costs tens of KiB of wasm heap; 200 of them would grow it by megabytes.
    expect(wasmHeapBytes() - before.wasm).toBeLessThan(1024 * 1024);
  });
});
