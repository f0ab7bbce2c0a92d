import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeLlm } from "./index.ts";
import { startFakeLlm } from "./index.ts";

const REQUEST = {
  model: "claude-fake",
  max_tokens: 1024,
  messages: [{ role: "user" as const, content: "hello" }],
};

describe("fake LLM speaking the Anthropic Messages protocol to @anthropic-ai/sdk", () => {
  let fake: FakeLlm;
  let client: Anthropic;

  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    client = new Anthropic({ apiKey: "sk-ant-secret-key", baseURL: fake.baseUrl("anthropic"), maxRetries: 0 });
  });

  it("streams text in several text_delta chunks that the SDK joins into the final message", async () => {
    fake.script("anthropic", [{ text: "The quick brown fox jumps.", usage: { input: 31, output: 7 } }]);
    const deltas: string[] = [];
    const stream = client.messages.stream(REQUEST).on("text", (delta) => deltas.push(delta));
    const message = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("The quick brown fox jumps.");
    expect(message.content).toEqual([{ type: "text", text: "The quick brown fox jumps." }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.input_tokens).toBe(31);
    expect(message.usage.output_tokens).toBe(7);
  });

  it("streams parallel tool calls whose arguments arrive as partial JSON pieces", async () => {
    fake.script("anthropic", [
      {
        toolCalls: [
          { name: "get_weather", input: { city: "Paris", unit: "celsius" } },
          { name: "get_time", input: { zone: "Europe/Paris" }, id: "toolu_given" },
        ],
      },
    ]);
    const stream = client.messages.stream(REQUEST);
    const pieces: string[] = [];
    stream.on("streamEvent", (event) => {
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") pieces.push(event.delta.partial_json);
    });
    const message = await stream.finalMessage();
    expect(pieces.filter((piece) => piece !== "").length).toBeGreaterThan(2);
    expect(message.stop_reason).toBe("tool_use");
    const toolUses = message.content.filter((block) => block.type === "tool_use");
    expect(toolUses.map((block) => [block.name, block.input])).toEqual([
      ["get_weather", { city: "Paris", unit: "celsius" }],
      ["get_time", { zone: "Europe/Paris" }],
    ]);
    expect(toolUses[0]?.id).toMatch(/^toolu_/);
    expect(toolUses[1]?.id).toBe("toolu_given");
  });

  it("streams a thinking block with thinking_delta and a signature_delta before the text", async () => {
    fake.script("anthropic", [{ thinking: "Let me think about it.", text: "Done." }]);
    const thinking: string[] = [];
    const stream = client.messages.stream(REQUEST).on("thinking", (delta) => thinking.push(delta));
    const message = await stream.finalMessage();
    expect(thinking.join("")).toBe("Let me think about it.");
    expect(message.content[0]).toEqual({ type: "thinking", thinking: "Let me think about it.", signature: "sig-1" });
    expect(message.content[1]).toMatchObject({ type: "text", text: "Done." });
  });

  it("reports input, output and cache usage in message_start and message_delta", async () => {
    fake.script("anthropic", [{ text: "hi", usage: { input: 100, output: 5, cacheRead: 80, cacheWrite: 20 } }]);
    const message = await client.messages.stream(REQUEST).finalMessage();
    expect(message.usage).toMatchObject({
      input_tokens: 100,
      output_tokens: 5,
      cache_read_input_tokens: 80,
      cache_creation_input_tokens: 20,
    });
  });

  it("maps max_tokens and stop_sequence stop reasons", async () => {
    fake.script("anthropic", [{ text: "cut", stopReason: "max_tokens" }, { text: "end", stopReason: "stop_sequence" }]);
    expect((await client.messages.stream(REQUEST).finalMessage()).stop_reason).toBe("max_tokens");
    expect((await client.messages.stream(REQUEST).finalMessage()).stop_reason).toBe("stop_sequence");
  });

  it("answers a non-streaming request with a complete Message", async () => {
    fake.script("anthropic", [{ text: "whole answer", toolCalls: [{ name: "lookup", input: { q: 1 } }] }]);
    const message = await client.messages.create(REQUEST);
    expect(message.type).toBe("message");
    expect(message.content.map((block) => block.type)).toEqual(["text", "tool_use"]);
    expect(message.stop_reason).toBe("tool_use");
  });

  it("surfaces a scripted 429 as RateLimitError with the retry-after header and the documented body", async () => {
    fake.script("anthropic", [{ error: { status: 429, retryAfterSeconds: 7, message: "slow down" } }]);
    const error = await client.messages.create({ ...REQUEST, stream: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const apiError = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(apiError.status).toBe(429);
    expect(apiError.headers?.get("retry-after")).toBe("7");
    expect(apiError.error).toEqual({ type: "error", error: { type: "rate_limit_error", message: "slow down" } });
  });

  it("surfaces a scripted 500 as InternalServerError", async () => {
    fake.script("anthropic", [{ error: { status: 500 } }]);
    const error = await client.messages.stream(REQUEST).finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(500);
  });

  it("makes the SDK fail when the stream is cut mid-way", async () => {
    fake.script("anthropic", [{ text: "one two three four five six", cutAfterChunks: 4 }]);
    const seen: string[] = [];
    const consume = async (): Promise<void> => {
      const stream = await client.messages.create({ ...REQUEST, stream: true });
      for await (const event of stream) seen.push(event.type);
    };
    await expect(consume()).rejects.toThrow();
    expect(seen).toContain("content_block_delta");
    expect(seen).not.toContain("message_stop");
  });

  it("records the request with its headers and parsed JSON body", async () => {
    await client.messages.stream(REQUEST).finalMessage();
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({ protocol: "anthropic", scope: "anthropic", method: "POST", path: "/v1/messages" });
    // @anthropic-ai/sdk 1.x sends the API key as a bearer token, not as x-api-key.
    expect(recorded?.headers.authorization).toBe("Bearer sk-ant-secret-key");
    expect(recorded?.headers["anthropic-version"]).toBeDefined();
    expect(recorded?.body).toMatchObject({ ...REQUEST, stream: true });
  });

  it("lists the models set for the scope", async () => {
    fake.setModels(["claude-a", "claude-b"], "anthropic");
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(["claude-a", "claude-b"]);
  });

  it("keeps the reply queues of two scopes apart", async () => {
    fake.script("anthropic", [{ text: "from primary" }], "primary");
    fake.script("anthropic", [{ text: "from fallback" }], "fallback");
    const fallback = new Anthropic({ apiKey: "k", baseURL: fake.baseUrl("anthropic", "fallback"), maxRetries: 0 });
    const primary = new Anthropic({ apiKey: "k", baseURL: fake.baseUrl("anthropic", "primary"), maxRetries: 0 });
    expect((await fallback.messages.create(REQUEST)).content[0]).toMatchObject({ text: "from fallback" });
    expect((await primary.messages.create(REQUEST)).content[0]).toMatchObject({ text: "from primary" });
    expect((await primary.messages.create(REQUEST)).content[0]).toMatchObject({ text: "ok" });
    expect(fake.requests.map((request) => request.scope)).toEqual(["fallback", "primary", "primary"]);
  });
});
