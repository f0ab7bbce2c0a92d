import { Ollama } from "ollama";
import type { ChatResponse } from "ollama";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeLlm } from "./index.ts";
import { startFakeLlm } from "./index.ts";

const REQUEST = { model: "llama-fake", messages: [{ role: "user", content: "hello" }] };

describe("fake LLM speaking the Ollama API to the ollama SDK", () => {
  let fake: FakeLlm;
  let ollama: Ollama;

  const collect = async (extra: { think?: boolean } = {}): Promise<ChatResponse[]> => {
    const parts: ChatResponse[] = [];
    for await (const part of await ollama.chat({ ...REQUEST, ...extra, stream: true })) parts.push(part);
    return parts;
  };

  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    ollama = new Ollama({ host: fake.baseUrl("ollama"), headers: { authorization: "Bearer ollama-secret" } });
  });

  it("streams text as NDJSON message lines ending with a done line", async () => {
    fake.script("ollama", [{ text: "The quick brown fox jumps.", usage: { input: 26, output: 6 } }]);
    const parts = await collect();
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.map((part) => part.message.content).join("")).toBe("The quick brown fox jumps.");
    expect(parts.at(-1)).toMatchObject({ done: true, done_reason: "stop", prompt_eval_count: 26, eval_count: 6 });
    expect(parts.slice(0, -1).every((part) => !part.done)).toBe(true);
  });

  it("returns parallel tool calls with object arguments", async () => {
    fake.script("ollama", [
      {
        toolCalls: [
          { name: "get_weather", input: { city: "Paris" } },
          { name: "get_time", input: { zone: "Europe/Paris" } },
        ],
      },
    ]);
    const calls = (await collect()).flatMap((part) => part.message.tool_calls ?? []);
    expect(calls).toEqual([
      { function: { name: "get_weather", arguments: { city: "Paris" } } },
      { function: { name: "get_time", arguments: { zone: "Europe/Paris" } } },
    ]);
  });

  it("streams thinking in message.thinking", async () => {
    fake.script("ollama", [{ thinking: "Let me think.", text: "Done." }]);
    const parts = await collect({ think: true });
    expect(parts.map((part) => part.message.thinking ?? "").join("")).toBe("Let me think.");
    expect(parts.map((part) => part.message.content).join("")).toBe("Done.");
  });

  it("maps max_tokens to done_reason length", async () => {
    fake.script("ollama", [{ text: "cut", stopReason: "max_tokens" }]);
    expect((await collect()).at(-1)?.done_reason).toBe("length");
  });

  it("answers stream: false with one done response", async () => {
    fake.script("ollama", [{ text: "whole answer", toolCalls: [{ name: "lookup", input: { q: 1 } }] }]);
    const response = await ollama.chat({ ...REQUEST, stream: false });
    expect(response.done).toBe(true);
    expect(response.message).toMatchObject({ content: "whole answer", tool_calls: [{ function: { name: "lookup", arguments: { q: 1 } } }] });
  });

  it("surfaces a scripted 429 as ResponseError with status_code 429 and the error message", async () => {
    fake.script("ollama", [{ error: { status: 429, retryAfterSeconds: 2, message: "busy" } }]);
    const error = await collect().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ResponseError", status_code: 429, error: "busy" });
  });

  it("surfaces a scripted 500 as ResponseError with status_code 500", async () => {
    fake.script("ollama", [{ error: { status: 500 } }]);
    const error = await collect().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ResponseError", status_code: 500 });
  });

  it("makes the SDK fail when the stream is cut mid-way", async () => {
    fake.script("ollama", [{ text: "one two three four five six", cutAfterChunks: 3 }]);
    await expect(collect()).rejects.toThrow();
  });

  it("records the request with its headers and body", async () => {
    await collect();
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({ protocol: "ollama", scope: "ollama", method: "POST", path: "/api/chat" });
    expect(recorded?.headers.authorization).toBe("Bearer ollama-secret");
    expect(recorded?.body).toMatchObject({ ...REQUEST, stream: true });
  });

  it("lists models in /api/tags and loaded models with context_length in /api/ps", async () => {
    fake.setModels(["qwen3:8b", "llama3.2"], "ollama");
    expect((await ollama.list()).models.map((model) => model.name)).toEqual(["qwen3:8b", "llama3.2"]);
    const loaded = (await ollama.ps()).models[0] as unknown as { name: string; context_length: number };
    expect(loaded).toMatchObject({ name: "qwen3:8b", context_length: 32_768 });
  });

  it("describes a model through /api/show with its context length and capabilities", async () => {
    const shown = await ollama.show({ model: "qwen3:8b" });
    expect(shown.capabilities).toContain("tools");
    expect((shown.model_info as unknown as Record<string, unknown>)["llama.context_length"]).toBe(32_768);
  });

  it("keeps the reply queues of two scopes apart", async () => {
    fake.script("ollama", [{ text: "second host" }], "ollama-2");
    const second = new Ollama({ host: fake.baseUrl("ollama", "ollama-2") });
    expect((await ollama.chat({ ...REQUEST, stream: false })).message.content).toBe("ok");
    expect((await second.chat({ ...REQUEST, stream: false })).message.content).toBe("second host");
  });
});
