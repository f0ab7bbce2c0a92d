import { ApiError, GoogleGenAI } from "@google/genai";
import type { GenerateContentResponse, Part } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeLlm } from "./index.ts";
import { startFakeLlm } from "./index.ts";

const REQUEST = { model: "gemini-fake", contents: "hello" };

describe("fake LLM speaking the Gemini API to @google/genai", () => {
  let fake: FakeLlm;
  let ai: GoogleGenAI;

  const collect = async (): Promise<GenerateContentResponse[]> => {
    const chunks: GenerateContentResponse[] = [];
    for await (const chunk of await ai.models.generateContentStream(REQUEST)) chunks.push(chunk);
    return chunks;
  };
  const parts = (chunks: GenerateContentResponse[]): Part[] =>
    chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);

  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    ai = new GoogleGenAI({ apiKey: "gemini-secret-key", httpOptions: { baseUrl: fake.baseUrl("gemini") } });
  });

  it("streams text over streamGenerateContent?alt=sse in several chunks ending with STOP", async () => {
    fake.script("gemini", [{ text: "The quick brown fox jumps." }]);
    const chunks = await collect();
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.text ?? "").join("")).toBe("The quick brown fox jumps.");
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe("STOP");
    expect(fake.requests[0]?.path).toBe("/v1beta/models/gemini-fake:streamGenerateContent?alt=sse");
  });

  it("returns parallel function calls as functionCall parts with args objects", async () => {
    fake.script("gemini", [
      {
        toolCalls: [
          { name: "get_weather", input: { city: "Paris" } },
          { name: "get_time", input: { zone: "Europe/Paris" } },
        ],
      },
    ]);
    const calls = parts(await collect()).flatMap((part) => (part.functionCall ? [part.functionCall] : []));
    expect(calls).toEqual([
      { name: "get_weather", args: { city: "Paris" } },
      { name: "get_time", args: { zone: "Europe/Paris" } },
    ]);
  });

  it("streams thinking as parts marked thought: true", async () => {
    fake.script("gemini", [{ thinking: "Let me think.", text: "Done." }]);
    const all = parts(await collect());
    expect(all.filter((part) => part.thought).map((part) => part.text).join("")).toBe("Let me think.");
    expect(all.filter((part) => !part.thought).map((part) => part.text).join("")).toBe("Done.");
  });

  it("reports usageMetadata with prompt, candidates, cached and thoughts counts on the last chunk", async () => {
    fake.script("gemini", [{ text: "hi", thinking: "hmm", usage: { input: 100, output: 5, cacheRead: 80 } }]);
    const usage = (await collect()).at(-1)?.usageMetadata;
    expect(usage).toMatchObject({
      promptTokenCount: 100,
      candidatesTokenCount: 5,
      cachedContentTokenCount: 80,
      thoughtsTokenCount: 1,
    });
  });

  it("maps max_tokens to finishReason MAX_TOKENS", async () => {
    fake.script("gemini", [{ text: "cut", stopReason: "max_tokens" }]);
    expect((await collect()).at(-1)?.candidates?.[0]?.finishReason).toBe("MAX_TOKENS");
  });

  it("answers generateContent with one whole response", async () => {
    fake.script("gemini", [{ text: "whole answer", toolCalls: [{ name: "lookup", input: { q: 1 } }] }]);
    const response = await ai.models.generateContent(REQUEST);
    expect(response.candidates?.[0]?.content?.parts?.[0]?.text).toBe("whole answer");
    expect(response.functionCalls).toEqual([{ name: "lookup", args: { q: 1 } }]);
    expect(fake.requests[0]?.path).toBe("/v1beta/models/gemini-fake:generateContent");
  });

  it("surfaces a scripted 429 as ApiError with status 429 and the RESOURCE_EXHAUSTED body", async () => {
    fake.script("gemini", [{ error: { status: 429, retryAfterSeconds: 5, message: "quota" } }]);
    const error = await collect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect(JSON.parse((error as ApiError).message)).toEqual({ error: { code: 429, message: "quota", status: "RESOURCE_EXHAUSTED" } });
  });

  it("surfaces a scripted 500 as ApiError with status 500", async () => {
    fake.script("gemini", [{ error: { status: 500 } }]);
    const error = await collect().catch((caught: unknown) => caught);
    expect((error as ApiError).status).toBe(500);
  });

  it("makes the SDK fail when the stream is cut mid-way", async () => {
    fake.script("gemini", [{ text: "one two three four five six", cutAfterChunks: 2 }]);
    await expect(collect()).rejects.toThrow();
  });

  it("records the request with its x-goog-api-key header and contents body", async () => {
    await collect();
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({ protocol: "gemini", scope: "gemini", method: "POST" });
    expect(recorded?.headers["x-goog-api-key"]).toBe("gemini-secret-key");
    expect(recorded?.body).toMatchObject({ contents: [{ role: "user", parts: [{ text: "hello" }] }] });
  });

  it("lists the scope's models as models/<id> through GET /v1beta/models", async () => {
    fake.setModels(["gemini-a", "gemini-b"]);
    const names: string[] = [];
    for await (const model of await ai.models.list()) names.push(model.name ?? "");
    expect(names).toEqual(["models/gemini-a", "models/gemini-b"]);
  });

  it("keeps the reply queues of two scopes apart", async () => {
    fake.script("gemini", [{ text: "vertex" }], "other");
    const other = new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: fake.baseUrl("gemini", "other") } });
    expect((await ai.models.generateContent(REQUEST)).text).toBe("ok");
    expect((await other.models.generateContent(REQUEST)).text).toBe("vertex");
  });
});
