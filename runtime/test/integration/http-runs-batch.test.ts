import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchJson } from "../support/sse-client.ts";
import { startTestRuntime } from "../support/test-runtime.ts";

const post = (url: string, body: unknown): Promise<any> =>
  fetchJson(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("POST /v1/runs:batch", () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    runtime = await startTestRuntime("pglite", { mock: { latencyMs: 50, failRate: 0 } });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("runs the spawns concurrently and answers index-aligned results, a bad child erring in its own slot", async () => {
    const spawns = [
      { agent: "default", prompt: "one" },
      { agent: "nope", prompt: "two" },
      { agent: "default", prompt: "three" },
    ];
    const body = await post(`${runtime.url}/v1/runs:batch`, { spawns });
    expect(body.spawned).toBe(2);
    expect(body.results[0]).toMatchObject({ status: "completed", final_text: "You said: one" });
    expect(body.results[1]).toMatchObject({ code: "unknown_agent" });
    expect(body.results[2]).toMatchObject({ status: "completed", final_text: "You said: three" });
  });

  it("cancels stragglers at timeout_ms and reports how they ended", async () => {
    const slow = { agent: "scripted", prompt: "slow", metadata: { mock_script: Array.from({ length: 40 }, () => ({ tool: "Context", input: { op: "self" } })) } };
    const started = Date.now();
    const body = await post(`${runtime.url}/v1/runs:batch`, { spawns: [slow, { agent: "default", prompt: "quick" }], timeout_ms: 300 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(body.results[0]).toMatchObject({ status: "cancelled", stop_reason: "cancelled" });
    expect(body.results[1]).toMatchObject({ status: "completed" });
  });

  it("refuses more than 32 spawns and the reserved detach mode, naming the field", async () => {
    const many = Array.from({ length: 33 }, () => ({ agent: "default", prompt: "x" }));
    const tooMany = await fetch(`${runtime.url}/v1/runs:batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ spawns: many }) });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: string }).error).toMatch(/^spawns: /);
    const detach = await fetch(`${runtime.url}/v1/runs:batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ spawns: [{ agent: "default", prompt: "x" }], mode: "detach" }) });
    expect(detach.status).toBe(400);
    expect(((await detach.json()) as { error: string }).error).toMatch(/^mode: /);
  });

  it("refuses an interactive spawn, which a join batch could never wait for, naming the field", async () => {
    const body = JSON.stringify({ spawns: [{ agent: "default", prompt: "x" }, { agent: "default", prompt: "y", interactive: true }] });
    const refused = await fetch(`${runtime.url}/v1/runs:batch`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^spawns\[1\]\.interactive: interactive runs never end/);
  });
});
