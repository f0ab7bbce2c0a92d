import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm } from "../fake-llm/index.ts";
import { allFrames, fetchJson, postSse } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime } from "../support/test-runtime.ts";

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
const IMAGE_SEGMENTS = [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image", media_type: "image/png", data: PIXEL }] }];

const pinned = (name: string, provider: string, model: string): (typeof TEST_AGENTS)[number] => ({ ...TEST_AGENTS[0]!, name, provider, model, source: "config" });
const chatPosts = (fake: FakeLlm, scope: string): number => fake.requests.filter((request) => request.scope === scope && request.method === "POST").length;

describe("provider availability, gates and vision through real drivers and the fake LLM server", () => {
  let fake: FakeLlm;
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    fake = await startFakeLlm();
    fake.setModels(["gpt-x", "gpt-y"], "openai");
    runtime = await startTestRuntime("pglite", {
      agents: [...TEST_AGENTS, pinned("seer", "openai", "gpt-x"), pinned("blind", "deepseek", "deepseek-chat")],
      providerEndpoints: [
        { id: "openai", driver: "openai", baseUrl: fake.baseUrl("openai"), apiKeyEnv: null, enabled: true, maxConcurrent: 1 },
        { id: "deepseek", driver: "deepseek", baseUrl: fake.baseUrl("openai", "deepseek"), apiKeyEnv: null, enabled: true },
        { id: "anthropic", driver: "anthropic", baseUrl: `http://127.0.0.1:${await closedPort()}`, apiKeyEnv: null, enabled: true },
        { id: "gemini", driver: "gemini", baseUrl: null, apiKeyEnv: "GEMINI_API_KEY", enabled: false },
      ],
    });
  });
  afterAll(async () => {
    await runtime?.dispose();
    await fake?.close();
  });

  it("shows reachable providers with their listed models, an unreachable one with its error, and excluded ones", async () => {
    const probed = await fetchJson(`${runtime.url}/v1/_resolve/probe`, { method: "POST" });
    expect(probed.providers.openai).toMatchObject({ excluded: false, reachable: true, models: { "gpt-x": { listed: true }, "gpt-y": { listed: true } }, last_error: null });
    expect(probed.providers.openai.last_check).toEqual(expect.any(String));
    expect(probed.providers.anthropic).toMatchObject({ excluded: false, reachable: false });
    expect(probed.providers.anthropic.last_error).toMatch(/connect|ECONNREFUSED|Connection error/i);
    expect(probed.providers.gemini).toMatchObject({ excluded: true, reachable: null, last_check: null });
    expect(probed.health).toMatchObject({ anthropic: { state: "unreachable", until: null } });
    const cached = await fetchJson(`${runtime.url}/v1/_resolver`);
    expect(cached.providers).toEqual(probed.providers);
    expect(Date.parse(cached.generated_at)).toBeGreaterThanOrEqual(Date.parse(probed.generated_at));
  });

  it("re-probes on POST /v1/_resolve/probe: a new model list shows at once", async () => {
    fake.setModels(["gpt-z"], "openai");
    const before = await fetchJson(`${runtime.url}/v1/_resolver`);
    const after = await fetchJson(`${runtime.url}/v1/_resolve/probe`, { method: "POST" });
    expect(Object.keys(after.providers.openai.models)).toEqual(["gpt-z"]);
    expect(Date.parse(after.providers.openai.last_check)).toBeGreaterThanOrEqual(Date.parse(before.providers.openai.last_check));
    fake.setModels(["gpt-x", "gpt-y"], "openai");
  });

  it("holds a second call to a max_concurrent: 1 provider until the first one's stream ends", async () => {
    const delayMs = 400;
    fake.script("openai", [{ text: "first", delayMs }, { text: "second", delayMs }]);
    const before = chatPosts(fake, "openai");
    const started = Date.now();
    const runs = [0, 1].map(async () => allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "seer", prompt: "hi" })));
    await new Promise((resolve) => setTimeout(resolve, delayMs / 2));
    expect(chatPosts(fake, "openai") - before).toBe(1);
    const metrics = await (await fetch(`${runtime.url}/metrics`)).text();
    expect(metrics).toMatch(/^loomcycle_provider_slots_in_use_openai 1$/m);
    const results = await Promise.all(runs);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * delayMs);
    expect(chatPosts(fake, "openai") - before).toBe(2);
    const texts = results.map((frames) => frames.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join(""));
    expect(texts.sort()).toEqual(["first", "second"]);
    expect(results.every((frames) => frames.at(-1)?.event === "done")).toBe(true);
  });

  it("refuses an image run on a provider without vision with 400 before storing anything", async () => {
    const before = chatPosts(fake, "deepseek");
    const response = await fetch(`${runtime.url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ agent: "blind", segments: IMAGE_SEGMENTS, user_id: "vision-refused" }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; error: string };
    expect(body.code).toBe("invalid_argument");
    expect(body.error).toMatch(/^segments: .*vision.*deepseek\/deepseek-chat/);
    expect(await runtime.store.listRuns({ user_id: "vision-refused" })).toEqual([]);
    expect(chatPosts(fake, "deepseek")).toBe(before);
  });

  it("accepts an image run on a vision provider, and the image reaches the provider", async () => {
    fake.script("openai", [{ text: "a pixel" }]);
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "seer", segments: IMAGE_SEGMENTS }));
    expect(frames.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toBe("a pixel");
    const sent = fake.requests.filter((request) => request.scope === "openai" && request.method === "POST").at(-1);
    expect(JSON.stringify(sent?.body)).toContain(`data:image/png;base64,${PIXEL}`);
  });
});
