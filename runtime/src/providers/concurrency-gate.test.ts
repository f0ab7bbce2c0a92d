import { describe, expect, it } from "vitest";
import { AppError } from "../domain/index.ts";
import type { ChatModel, ModelRequest, ModelStreamPart } from "./chat-model.ts";
import { ConcurrencyGate } from "./concurrency-gate.ts";
import { GatedChatModel } from "./gated-chat-model.ts";

const REQUEST: ModelRequest = { system: "", messages: [], tools: [], maxTokens: 0, metadata: {} };
const FINISH: ModelStreamPart = { type: "finish", stopReason: "end_turn", usage: { input_tokens: 1, output_tokens: 1 } as never };

/** A model whose stream yields two parts, or throws after the first when `fail` is set. */
function model(options: { fail?: boolean } = {}): ChatModel {
  return {
    provider: "p",
    modelId: "m",
    capabilities: { vision: true, thinking: false, promptCache: false, parallelToolCalls: true, maxContextTokens: 0 },
    async *stream(): AsyncIterable<ModelStreamPart> {
      yield { type: "text-delta", text: "a" };
      if (options.fail === true) throw new AppError("PROVIDER_ERROR", "boom", { retryable: true });
      yield FINISH;
    },
  };
}

const signal = (): AbortSignal => new AbortController().signal;

describe("ConcurrencyGate", () => {
  it("lets at most `limit` calls in and serves waiters in arrival order", async () => {
    const gate = new ConcurrencyGate({ provider: "p", limit: 2, queueTimeoutMs: 1_000 });
    const first = await gate.acquire(signal());
    await gate.acquire(signal());
    const order: string[] = [];
    const third = gate.acquire(signal()).then((release) => (order.push("third"), release));
    const fourth = gate.acquire(signal()).then((release) => (order.push("fourth"), release));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect({ inUse: gate.inUse(), waiting: gate.waiting(), order }).toEqual({ inUse: 2, waiting: 2, order: [] });
    first();
    first();
    await third;
    expect({ inUse: gate.inUse(), waiting: gate.waiting(), order }).toEqual({ inUse: 2, waiting: 1, order: ["third"] });
    (await third)();
    (await fourth)();
    expect(order).toEqual(["third", "fourth"]);
  });

  it("fails a wait that outlasts the queue timeout with a retryable PROVIDER_ERROR, and drops the waiter", async () => {
    const gate = new ConcurrencyGate({ provider: "slow", limit: 1, queueTimeoutMs: 20 });
    await gate.acquire(signal());
    const error = await gate.acquire(signal()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", retryable: true, details: { reason: "provider_concurrency_exhausted" } });
    expect((error as Error).message).toContain("max_concurrent");
    expect(gate.waiting()).toBe(0);
  });

  it("gives up a wait when the call's signal aborts", async () => {
    const gate = new ConcurrencyGate({ provider: "p", limit: 1, queueTimeoutMs: 1_000 });
    await gate.acquire(signal());
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort(new Error("cancelled"));
    await expect(waiting).rejects.toThrow("cancelled");
    expect(gate.waiting()).toBe(0);
  });
});

describe("GatedChatModel", () => {
  it("holds the slot while the stream is read and frees it at the end", async () => {
    const gate = new ConcurrencyGate({ provider: "p", limit: 1, queueTimeoutMs: 1_000 });
    const gated = new GatedChatModel(model(), gate);
    expect(gated.capabilities?.vision).toBe(true);
    const seen: number[] = [];
    for await (const part of gated.stream(REQUEST, { signal: signal() })) seen.push(part.type === "finish" ? -1 : gate.inUse());
    expect(seen).toEqual([1, -1]);
    expect(gate.inUse()).toBe(0);
  });

  it("frees the slot when the stream throws", async () => {
    const gate = new ConcurrencyGate({ provider: "p", limit: 1, queueTimeoutMs: 1_000 });
    const consume = async (): Promise<void> => {
      for await (const part of new GatedChatModel(model({ fail: true }), gate).stream(REQUEST, { signal: signal() })) void part;
    };
    await expect(consume()).rejects.toThrow("boom");
    expect(gate.inUse()).toBe(0);
  });

  it("frees the slot when the caller stops reading (abandoned stream)", async () => {
    const gate = new ConcurrencyGate({ provider: "p", limit: 1, queueTimeoutMs: 1_000 });
    for await (const part of new GatedChatModel(model(), gate).stream(REQUEST, { signal: signal() })) {
      expect(part.type).toBe("text-delta");
      break;
    }
    expect(gate.inUse()).toBe(0);
  });

  it("takes no slot until the stream is read, and a second call waits for the first", async () => {
    const gate = new ConcurrencyGate({ provider: "p", limit: 1, queueTimeoutMs: 1_000 });
    const gated = new GatedChatModel(model(), gate);
    const first = gated.stream(REQUEST, { signal: signal() })[Symbol.asyncIterator]();
    expect(gate.inUse()).toBe(0);
    await first.next();
    const second = gated.stream(REQUEST, { signal: signal() })[Symbol.asyncIterator]();
    let secondStarted = false;
    const secondFirst = second.next().then((result) => ((secondStarted = true), result));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(secondStarted).toBe(false);
    await first.return?.();
    expect((await secondFirst).value).toMatchObject({ type: "text-delta" });
    await second.return?.();
    expect(gate.inUse()).toBe(0);
  });
});
