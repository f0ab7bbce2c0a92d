import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJson } from "../support/sse-client.ts";
import { startTestRuntime } from "../support/test-runtime.ts";

async function post(url: string, body: string, headers: Record<string, string> = { "content-type": "application/json" }): Promise<{ status: number; body: { code: string; error: string } }> {
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, body: await readJson(response) };
}

describe("HTTP errors: bad input gets a clear 4xx, never a 500", () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    runtime = await startTestRuntime("pglite", { limits: { maxRequestBytes: 64 * 1024, sseKeepaliveMs: 20_000, toolParallelism: 8, maxConcurrentRuns: 8 } });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("refuses an unknown agent with 400 unknown_agent naming the configured ones", async () => {
    const { status, body } = await post(`${runtime.url}/v1/runs`, JSON.stringify({ agent: "nope", prompt: "hi" }));
    expect(status).toBe(400);
    expect(body).toEqual({ code: "unknown_agent", error: 'unknown agent "nope"; configured agents: default, scripted' });
  });

  it("names the bad field of a malformed segment", async () => {
    const segments = [{ role: "user", content: [{ type: "html", text: "x" }] }];
    const { status, body } = await post(`${runtime.url}/v1/runs`, JSON.stringify({ agent: "default", segments }));
    expect(status).toBe(400);
    expect(body.code).toBe("invalid_argument");
    expect(body.error).toMatch(/^segments\[0\]\.content\[0\]\.type: /);
  });

  it("needs either segments or prompt", async () => {
    const { status, body } = await post(`${runtime.url}/v1/runs`, JSON.stringify({ agent: "default" }));
    expect(status).toBe(400);
    expect(body.error).toMatch(/^segments: /);
  });

  it("refuses unknown fields and fields this build does not implement yet, by name", async () => {
    const typo = await post(`${runtime.url}/v1/runs`, JSON.stringify({ agent: "default", prompt: "x", promtp: "y" }));
    expect(typo).toEqual({ status: 400, body: { code: "invalid_argument", error: "promtp: unknown field" } });
    const later = await post(`${runtime.url}/v1/runs`, JSON.stringify({ agent: "default", prompt: "x", run_timeout_seconds: 5 }));
    expect(later).toEqual({ status: 400, body: { code: "invalid_argument", error: "run_timeout_seconds: not supported by this runtime yet" } });
    const badTools = await post(`${runtime.url}/v1/runs`, JSON.stringify({ agent: "default", prompt: "x", tools: "Read" }));
    expect(badTools.status).toBe(400);
    expect(badTools.body.error).toMatch(/^tools: /);
  });

  it("refuses an unknown user_tier and out-of-range sampling, naming the field", async () => {
    const tier = await post(`${runtime.url}/v1/runs`, JSON.stringify({ agent: "default", prompt: "x", user_tier: "gold" }));
    expect(tier).toEqual({ status: 400, body: { code: "invalid_argument", error: 'user_tier: unknown user tier "gold"; configured: default' } });
    const sampling = await post(`${runtime.url}/v1/runs`, JSON.stringify({ agent: "default", prompt: "x", sampling: { temperature: 3 } }));
    expect(sampling.status).toBe(400);
    expect(sampling.body.error).toMatch(/^sampling\.temperature: /);
  });

  it("answers invalid JSON with 400 invalid_json", async () => {
    const { status, body } = await post(`${runtime.url}/v1/runs`, "{not json");
    expect(status).toBe(400);
    expect(body.code).toBe("invalid_json");
  });

  it("answers a non-JSON body with 415", async () => {
    const { status, body } = await post(`${runtime.url}/v1/runs`, "agent=default", { "content-type": "text/plain" });
    expect(status).toBe(415);
    expect(body.code).toBe("unsupported_media_type");
  });

  it("answers an oversized body with 413", async () => {
    const { status, body } = await post(`${runtime.url}/v1/runs`, JSON.stringify({ agent: "default", prompt: "x".repeat(70 * 1024) }));
    expect(status).toBe(413);
    expect(body.code).toBe("payload_too_large");
  });

  it("answers 404 for an unknown run, session, agent handle and route", async () => {
    for (const path of ["/v1/runs/run_missing", "/v1/runs/run_missing/stream", "/v1/sessions/ses_missing/transcript", "/v1/agents/missing", "/v1/nothing"]) {
      const response = await fetch(`${runtime.url}${path}`);
      expect(response.status, path).toBe(404);
      expect((await readJson(response)).code).toBe("not_found");
    }
    const cont = await post(`${runtime.url}/v1/sessions/ses_missing/messages`, JSON.stringify({ prompt: "hi" }));
    expect(cont.status).toBe(404);
  });

  it("rejects a bad user_id and a bad status filter with 400 naming the field", async () => {
    const badUser = await post(`${runtime.url}/v1/runs`, JSON.stringify({ agent: "default", prompt: "x", user_id: "a b" }));
    expect(badUser.status).toBe(400);
    expect(badUser.body.error).toMatch(/^user_id: /);
    const badStatus = await fetch(`${runtime.url}/v1/users/alice/agents?status=sleeping`);
    expect(badStatus.status).toBe(400);
    expect((await readJson(badStatus)).error).toMatch(/^status/);
    const badSeq = await fetch(`${runtime.url}/v1/runs/run_x/stream?from_seq=-1`);
    expect(badSeq.status).toBe(400);
  });
});
