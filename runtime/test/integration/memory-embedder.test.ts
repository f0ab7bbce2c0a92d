import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isAppError } from "../../src/domain/index.ts";
import { createOpenAiEmbedder } from "../../src/providers/index.ts";
import { startFakeLlm } from "../fake-llm/index.ts";
import { fakeEmbedding } from "../fake-llm/openai-protocol.ts";
import type { FakeLlm } from "../fake-llm/index.ts";

function cosine(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
}

describe("OpenAI-compatible embedder against the fake LLM's POST /v1/embeddings", () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    await fake?.close();
  });

  it("returns one normalized vector per text, in order, asking for floats with the model and key", async () => {
    const embedder = createOpenAiEmbedder({ provider: "fake", baseUrl: fake.baseUrl("openai"), model: "bow-64", apiKey: "sk-test" });
    const [cats, kittens, stocks, again] = await embedder.embed(["cats purr and sleep", "kittens purr in their sleep", "stock markets fell", "cats purr and sleep"]);
    expect(cats).toHaveLength(64);
    expect(Math.hypot(...(cats ?? []))).toBeCloseTo(1, 6);
    expect(again).toEqual(cats);
    expect(cosine(cats ?? [], kittens ?? [])).toBeGreaterThan(cosine(cats ?? [], stocks ?? []));

    const [request] = fake.requests;
    expect(request).toMatchObject({ method: "POST", path: "/v1/embeddings" });
    expect(request?.headers["authorization"]).toBe("Bearer sk-test");
    expect(request?.body).toMatchObject({ model: "bow-64", encoding_format: "float", input: ["cats purr and sleep", "kittens purr in their sleep", "stock markets fell", "cats purr and sleep"] });
  });

  it("asks for shorter vectors with dimensions, and splits more than 64 texts over several requests", async () => {
    const embedder = createOpenAiEmbedder({ provider: "fake", baseUrl: fake.baseUrl("openai"), model: "bow", dimensions: 16 });
    const texts = Array.from({ length: 70 }, (_, index) => `text number ${index}`);
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(70);
    expect(vectors.every((vector) => vector.length === 16)).toBe(true);
    expect(fake.requests.map((request) => (request.body as { input: string[] }).input.length)).toEqual([64, 6]);
    expect(fake.requests[0]?.headers["authorization"]).toBeUndefined();
  });

  it("answers the SDK's default base64 encoding with the same (float32) vectors", async () => {
    const client = new OpenAI({ apiKey: "sk-test", baseURL: fake.baseUrl("openai"), maxRetries: 0 });
    const response = await client.embeddings.create({ model: "bow-64", input: "cats purr" });
    expect(fake.requests[0]?.body).toMatchObject({ encoding_format: "base64" });
    expect(response).toMatchObject({ object: "list", model: "bow-64", usage: { prompt_tokens: 2, total_tokens: 2 } });
    const expected = fakeEmbedding("cats purr");
    response.data[0]?.embedding.forEach((value, index) => expect(value).toBeCloseTo(expected[index] ?? Number.NaN, 6));
  });

  it("fails with PROVIDER_ERROR naming the model and the reason when the endpoint fails", async () => {
    const embedder = createOpenAiEmbedder({ provider: "fake", baseUrl: `${fake.url}/nowhere/v1`, model: "bow-64" });
    const error = await embedder.embed(["x"]).catch((caught: unknown) => caught);
    expect(isAppError(error, "PROVIDER_ERROR")).toBe(true);
    expect((error as Error).message).toMatch(/^embedding with fake\/bow-64 failed: 404/);
  });
});
