import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeLlm, FakeProtocol } from "./index.ts";
import { startFakeLlm } from "./index.ts";

/** A generation endpoint per protocol, relative to `baseUrl(protocol)`, with a minimal body. */
const GENERATE: Record<FakeProtocol, { path: string; body: unknown }> = {
  anthropic: { path: "/v1/messages", body: { model: "m", max_tokens: 1, stream: true, messages: [] } },
  openai: { path: "/chat/completions", body: { model: "m", stream: true, messages: [] } },
  gemini: { path: "/v1beta/models/m:streamGenerateContent?alt=sse", body: { contents: [] } },
  ollama: { path: "/api/chat", body: { model: "m", messages: [] } },
};

/** Each vendor's documented error body for a 429 with the message "slow down". */
const RATE_LIMIT_BODIES: Record<FakeProtocol, unknown> = {
  anthropic: { type: "error", error: { type: "rate_limit_error", message: "slow down" } },
  openai: { error: { message: "slow down", type: "requests", param: null, code: "rate_limit_exceeded" } },
  gemini: { error: { code: 429, message: "slow down", status: "RESOURCE_EXHAUSTED" } },
  ollama: { error: "slow down" },
};

const PROTOCOLS: FakeProtocol[] = ["anthropic", "openai", "gemini", "ollama"];

describe("fake LLM server", () => {
  let fake: FakeLlm;

  const post = (protocol: FakeProtocol, scope?: string): Promise<Response> =>
    fetch(`${fake.baseUrl(protocol, scope)}${GENERATE[protocol].path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(GENERATE[protocol].body),
    });

  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });

  it("listens on 127.0.0.1 and builds each SDK's base URL from the scope", () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.baseUrl("anthropic")).toBe(`${fake.url}/anthropic`);
    expect(fake.baseUrl("openai")).toBe(`${fake.url}/openai/v1`);
    expect(fake.baseUrl("openai", "deepseek")).toBe(`${fake.url}/deepseek/v1`);
    expect(fake.baseUrl("gemini")).toBe(`${fake.url}/gemini`);
    expect(fake.baseUrl("ollama", "local")).toBe(`${fake.url}/local`);
  });

  it.each(PROTOCOLS)("answers a scripted 429 for %s with retry-after and the vendor's error body", async (protocol) => {
    fake.script(protocol, [{ error: { status: 429, retryAfterSeconds: 9, message: "slow down" } }]);
    const response = await post(protocol);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("9");
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual(RATE_LIMIT_BODIES[protocol]);
  });

  it("omits retry-after when the scripted error has none", async () => {
    fake.script("openai", [{ error: { status: 503 } }]);
    const response = await post("openai");
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBeNull();
  });

  it("answers an empty queue with the default 'ok' reply and then the scripted replies in order", async () => {
    fake.script("ollama", [{ text: "first" }, { text: "second" }]);
    const texts: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const lines = (await (await post("ollama")).text()).trim().split("\n");
      texts.push(lines.map((line) => (JSON.parse(line) as { message: { content: string } }).message.content).join(""));
    }
    expect(texts).toEqual(["first", "second", "ok"]);
  });

  it("waits delayMs before sending the response headers", async () => {
    fake.script("anthropic", [{ text: "late", delayMs: 150 }]);
    const started = performance.now();
    const response = await post("anthropic");
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    await response.text();
  });

  it("cuts the socket after cutAfterChunks chunks so the body read fails", async () => {
    fake.script("openai", [{ text: "one two three four", cutAfterChunks: 2 }]);
    const response = await post("openai");
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it("routes the shared /v1/models path by the vendor header, then by the scope's protocol", async () => {
    fake.setModels(["m1"]);
    const anthropic = await (await fetch(`${fake.url}/any/v1/models`, { headers: { "anthropic-version": "2023-06-01" } })).json();
    expect(anthropic).toMatchObject({ data: [{ type: "model", id: "m1" }], has_more: false });
    fake.script("anthropic", [], "claude-scope");
    expect(await (await fetch(`${fake.url}/claude-scope/v1/models`)).json()).toMatchObject({ data: [{ type: "model" }] });
    expect(await (await fetch(`${fake.url}/openai/v1/models`)).json()).toEqual({
      object: "list",
      data: [{ id: "m1", object: "model", created: expect.any(Number), owned_by: "fake-llm" }],
    });
  });

  it("lists per-scope models over the scope default", async () => {
    fake.setModels(["everywhere"]);
    fake.setModels(["only-here"], "special");
    const tags = async (scope: string): Promise<unknown> => (await fetch(`${fake.baseUrl("ollama", scope)}/api/tags`)).json();
    expect(await tags("special")).toMatchObject({ models: [{ name: "only-here" }] });
    expect(await tags("ollama")).toMatchObject({ models: [{ name: "everywhere" }] });
  });

  it("answers an unknown path with 404 in the protocol's error shape and still records it", async () => {
    const response = await fetch(`${fake.baseUrl("anthropic")}/v1/messages/nope`, { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    expect(fake.requests[0]).toMatchObject({ protocol: "anthropic", path: "/v1/messages/nope", body: {} });
  });

  it("records the path with its query, the scope, the headers and a non-JSON body as text", async () => {
    await (await post("gemini", "g2")).text();
    await fetch(`${fake.baseUrl("ollama")}/api/show`, { method: "POST", body: "not json" });
    expect(fake.requests[0]).toMatchObject({
      protocol: "gemini",
      scope: "g2",
      method: "POST",
      path: "/v1beta/models/m:streamGenerateContent?alt=sse",
      headers: { "content-type": "application/json" },
      body: { contents: [] },
    });
    expect(fake.requests[1]?.body).toBe("not json");
  });

  it("forgets replies, models and requests on reset", async () => {
    fake.script("ollama", [{ text: "scripted" }]);
    fake.setModels(["x"]);
    await (await post("openai")).text();
    fake.reset();
    expect(fake.requests).toEqual([]);
    const body = await (await post("ollama")).text();
    expect(body).toContain('"content":"ok"');
    expect(await (await fetch(`${fake.baseUrl("ollama")}/api/tags`)).json()).toMatchObject({ models: [{ name: "fake-model" }] });
  });
});
