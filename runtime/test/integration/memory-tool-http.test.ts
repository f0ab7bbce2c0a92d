import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "../../src/domain/index.ts";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm } from "../fake-llm/index.ts";
import { allFrames, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime, testAgent } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

const librarian: Agent = testAgent({
  name: "librarian",
  description: "remembers facts",
  provider: "mock",
  model: "mock-tools",
  tools: ["Memory"],
  memory_scopes: ["agent", "user"],
  system_prompt: "Remember.",
});

const forgetful: Agent = testAgent({ name: "forgetful", provider: "mock", model: "mock-tools", tools: ["Memory"], system_prompt: "No memory." });

function toolResults(frames: SseFrame[]): { text: string; is_error: unknown }[] {
  return frames.filter((frame) => frame.event === "tool_result").map((frame) => ({ text: String(frame.data["text"]), is_error: frame.data["is_error"] }));
}

async function runScript(url: string, body: { agent: string; user_id?: string; steps: unknown[] }): Promise<{ results: { text: string; is_error: unknown }[]; last: unknown }> {
  const { steps, ...rest } = body;
  const frames = await allFrames(await postSse(`${url}/v1/runs`, { ...rest, prompt: "go", metadata: { mock_script: [...steps, { text: "done" }] } }));
  return { results: toolResults(frames), last: frames.at(-1)?.data };
}

const FACTS: Record<string, string> = {
  cats: "cats purr and sleep on the warm sofa",
  dogs: "dogs bark and fetch the ball in the park",
  stocks: "stock markets fell as interest rates rose",
  kittens: "small kittens purr when they sleep",
};

describe.each<StoreKind>(["pglite", "postgres"])("the Memory tool in a run (%s)", (kind) => {
  let fake: FakeLlm;
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    fake = await startFakeLlm();
    runtime = await startTestRuntime(kind, {
      agents: [...TEST_AGENTS, librarian, forgetful],
      memory: { embedder: { provider: "fake", baseUrl: fake.baseUrl("openai"), model: "bow-64", apiKeyEnv: null, dimensions: null } },
    });
  });
  afterAll(async () => {
    await runtime?.dispose();
    await fake?.close();
  });

  it("stores embedded facts and finds the nearest first, with scores, in the model's tool results", async () => {
    const sets = Object.entries(FACTS).map(([key, text]) => ({ tool: "Memory", input: { op: "set", scope: "agent", key: `facts/${key}`, value: text, embed: true } }));
    const { results, last } = await runScript(runtime.url, {
      agent: "librarian",
      steps: [...sets, { tool: "Memory", input: { op: "search", scope: "agent", query: "cats purr sleep", top_k: 3 } }],
    });
    expect(last).toMatchObject({ type: "done" });
    for (const result of results.slice(0, 4)) expect(JSON.parse(result.text)).toMatchObject({ stored: true, embedded: true });
    const search = JSON.parse(results[4]?.text ?? "{}");
    expect(results[4]?.is_error).toBe(false);
    expect(search.entries.map((entry: { key: string }) => entry.key)).toEqual(["facts/cats", "facts/kittens", "facts/dogs"]);
    expect(search.entries[0]).toMatchObject({ value: FACTS["cats"] });
    expect(search.entries[0].score).toBeGreaterThan(search.entries[1].score);
    expect(search.entries[1].score).toBeGreaterThan(search.entries[2].score);
    expect(search.query_embedding_dim).toBe(64);
  });

  it("gets, lists and deletes across runs of the agent, and keeps each user's memory apart", async () => {
    await runScript(runtime.url, {
      agent: "librarian",
      user_id: "ada",
      steps: [
        { tool: "Memory", input: { op: "set", scope: "agent", key: "notes/visit", value: { count: 1 } } },
        { tool: "Memory", input: { op: "set", scope: "user", key: "name", value: "Ada" } },
      ],
    });
    const { results } = await runScript(runtime.url, {
      agent: "librarian",
      user_id: "grace",
      steps: [
        { tool: "Memory", input: { op: "get", scope: "agent", key: "notes/visit" } },
        { tool: "Memory", input: { op: "get", scope: "user", key: "name" } },
        { tool: "Memory", input: { op: "list", scope: "agent", prefix: "notes/" } },
        { tool: "Memory", input: { op: "delete", scope: "agent", key: "notes/visit" } },
        { tool: "Memory", input: { op: "get", scope: "agent", key: "notes/visit" } },
      ],
    });
    const [visit, name, list, deleted, gone] = results.map((result) => JSON.parse(result.text));
    expect(visit).toMatchObject({ found: true, value: { count: 1 } });
    expect(name).toEqual({ scope: "user", key: "name", found: false });
    expect(list.entries.map((entry: { key: string }) => entry.key)).toEqual(["notes/visit"]);
    expect(deleted).toEqual({ scope: "agent", key: "notes/visit", deleted: true });
    expect(gone).toMatchObject({ found: false });

    const ada = await runScript(runtime.url, { agent: "librarian", user_id: "ada", steps: [{ tool: "Memory", input: { op: "get", scope: "user", key: "name" } }] });
    expect(JSON.parse(ada.results[0]?.text ?? "{}")).toMatchObject({ found: true, value: "Ada" });
  });

  it("turns every refusal into a readable tool error and the run still finishes", async () => {
    const { results, last } = await runScript(runtime.url, {
      agent: "librarian",
      steps: [
        { tool: "Memory", input: { op: "set", scope: "tenant", key: "k", value: 1 } },
        { tool: "Memory", input: { op: "get", scope: "user", key: "name" } },
        { tool: "Memory", input: { op: "forget", scope: "agent" } },
        { tool: "Memory", input: { op: "get", scope: "agent" } },
      ],
    });
    expect(last).toMatchObject({ type: "done" });
    expect(results.every((result) => result.is_error === true)).toBe(true);
    expect(results.map((result) => result.text)).toEqual([
      'Memory: scope "tenant" is not granted to agent "librarian" (memory_scopes: [agent, user]); an operator grants it by adding "tenant" to the agent\'s memory_scopes',
      'Memory: scope "user" needs a user, and this run has none; start the run with a user_id, or use another scope',
      'Memory: unknown op "forget"; supported: get, set, delete, list, search',
      "Memory: key: required for op=get: the entry's key",
    ]);
    const denied = await runScript(runtime.url, { agent: "forgetful", steps: [{ tool: "Memory", input: { op: "get", scope: "agent", key: "k" } }] });
    expect(denied.results[0]?.text).toContain('(memory_scopes is empty); an operator grants it by adding "agent"');
  });
});
