import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeLlm, FakeProtocol, FakeReply } from "./index.ts";
import { startFakeLlm } from "./index.ts";
import { collapseRuns, ndjsonShapes, sseShapes } from "./wire-shape.ts";

interface FixtureCase {
  protocol: FakeProtocol;
  fixture: string;
  reply: FakeReply;
  /** The endpoint under the SDK base URL, and the request body that asks for a stream. */
  path: string;
  body: Record<string, unknown>;
}

const ANTHROPIC_BODY = { model: "claude-fake", max_tokens: 1024, stream: true, messages: [{ role: "user", content: "hi" }] };
const OPENAI_BODY = { model: "gpt-fake", stream: true, messages: [{ role: "user", content: "hi" }] };
const GEMINI_STREAM = "/v1beta/models/gemini-fake:streamGenerateContent?alt=sse";
const GEMINI_BODY = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };
const OLLAMA_BODY = { model: "llama-fake", stream: true, messages: [{ role: "user", content: "hi" }] };

const CASES: FixtureCase[] = [
  { protocol: "anthropic", fixture: "anthropic/text-stream.txt", reply: { text: "Hello!" }, path: "/v1/messages", body: ANTHROPIC_BODY },
  {
    protocol: "anthropic",
    fixture: "anthropic/tool-use-stream.txt",
    reply: {
      text: "Okay, let's check the weather.",
      toolCalls: [{ name: "get_weather", input: { location: "San Francisco, CA", unit: "fahrenheit" } }],
    },
    path: "/v1/messages",
    body: ANTHROPIC_BODY,
  },
  {
    protocol: "anthropic",
    fixture: "anthropic/thinking-stream.txt",
    reply: { thinking: "1071 = 2 × 462 + 147, so the GCD is 21.", text: "The greatest common divisor is 21." },
    path: "/v1/messages",
    body: ANTHROPIC_BODY,
  },
  {
    protocol: "openai",
    fixture: "openai/text-stream-with-usage.txt",
    reply: { text: "Hello there", usage: { input: 9, output: 2 } },
    path: "/chat/completions",
    body: { ...OPENAI_BODY, stream_options: { include_usage: true } },
  },
  {
    protocol: "openai",
    fixture: "openai/tool-calls-stream.txt",
    reply: { toolCalls: [{ name: "get_weather", input: { location: "Paris, France" } }] },
    path: "/chat/completions",
    body: OPENAI_BODY,
  },
  {
    protocol: "gemini",
    fixture: "gemini/text-stream.txt",
    reply: { text: "The quick brown fox jumps over the lazy dog." },
    path: GEMINI_STREAM,
    body: GEMINI_BODY,
  },
  {
    protocol: "gemini",
    fixture: "gemini/function-call-stream.txt",
    reply: {
      toolCalls: [
        { name: "get_current_temperature", input: { location: "London" } },
        { name: "get_current_temperature", input: { location: "Paris" } },
      ],
    },
    path: GEMINI_STREAM,
    body: GEMINI_BODY,
  },
  { protocol: "ollama", fixture: "ollama/text-stream.txt", reply: { text: "The sky is blue." }, path: "/api/chat", body: OLLAMA_BODY },
  {
    protocol: "ollama",
    fixture: "ollama/tool-call-stream.txt",
    reply: { toolCalls: [{ name: "get_current_weather", input: { format: "celsius", location: "Paris, FR" } }] },
    path: "/api/chat",
    body: OLLAMA_BODY,
  },
];

function shapesOf(protocol: FakeProtocol, text: string): string[] {
  return collapseRuns(protocol === "ollama" ? ndjsonShapes(text) : sseShapes(text));
}

describe("fake LLM output against the vendors' documented streams", () => {
  let fake: FakeLlm;

  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(async () => {
    await fake.close();
  });

  it.each(CASES)("$fixture has the same event sequence and shapes as the fake's stream", async (testCase) => {
    const recorded = await readFile(new URL(`fixtures/${testCase.fixture}`, import.meta.url), "utf8");
    fake.script(testCase.protocol, [testCase.reply]);
    const response = await fetch(`${fake.baseUrl(testCase.protocol)}${testCase.path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(testCase.body),
    });
    expect(response.status).toBe(200);
    expect(shapesOf(testCase.protocol, await response.text())).toEqual(shapesOf(testCase.protocol, recorded));
  });

  it("serves SSE for the SSE protocols and NDJSON for Ollama", async () => {
    const anthropic = await fetch(`${fake.baseUrl("anthropic")}/v1/messages`, { method: "POST", body: JSON.stringify(ANTHROPIC_BODY) });
    const ollama = await fetch(`${fake.baseUrl("ollama")}/api/chat`, { method: "POST", body: JSON.stringify(OLLAMA_BODY) });
    expect(anthropic.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(ollama.headers.get("content-type")).toBe("application/x-ndjson");
    await Promise.all([anthropic.text(), ollama.text()]);
  });
});
