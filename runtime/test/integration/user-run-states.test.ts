import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../src/domain/index.ts";
import { AppError } from "../../src/domain/index.ts";
import { fetchJson, openSse } from "../support/sse-client.ts";
import type { SseFrame, SseResponse } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime, testAgent } from "../support/test-runtime.ts";

/**
 * GET /v1/users/{id}/agents/stream in embedded mode (issue 6 §6): `stream_open`, then one
 * `run_state` per status change of the user's runs in the caller's tenant, nothing of another
 * user or tenant, the ?status= and ?agent= filters, and no subscription left behind by a client
 * that went away.
 */

/** Two tenants, each a shared-token-like principal (the wire `user_id` names the user). */
const TOKENS: Record<string, string> = { "acme-token": "acme", "globex-token": "globex" };

async function authenticate(request: { headers: Record<string, string | string[] | undefined> }): Promise<Principal> {
  const header = request.headers["authorization"];
  const tenantId = TOKENS[String(header ?? "").replace(/^Bearer /, "")];
  if (tenantId === undefined) throw new AppError("UNAUTHENTICATED", "unknown token");
  return { tenantId, subject: "operator", scopes: ["substrate:admin"], kind: "legacy", tokenId: null };
}

const AGENTS = [
  ...TEST_AGENTS,
  testAgent({ name: "orchestrator", provider: "mock", model: "mock-tools", tools: ["Agent"], mock_script: [{ tool: "Agent", input: { name: "echo-child", prompt: "hi" } }, { text: "spawned" }] }),
  testAgent({ name: "echo-child", provider: "mock", model: "mock-echo" }),
  testAgent({ name: "sleeper", provider: "mock", model: "mock-tools", mock_script: [{ text: "woke up", delay_ms: 20_000 }] }),
];

const twoToolTurns = [{ tool: "Context", input: { op: "self" } }, { tool: "Context", input: { op: "self" } }, { text: "finished" }];

/** An open user stream: its `stream_open` frame read, then `next` reads the following frames. */
interface UserStream {
  open: SseFrame;
  response: SseResponse;
  /** The next `count` frames. */
  next(count: number): Promise<SseFrame[]>;
  /** Goes away (closes the connection). */
  close(): Promise<void>;
}

describe("GET /v1/users/{id}/agents/stream (embedded, postgres store)", () => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    runtime = await startTestRuntime("postgres", { agents: AGENTS, limits: { maxRequestBytes: 1024 * 1024, sseKeepaliveMs: 300, toolParallelism: 8, maxConcurrentRuns: 64 } }, { authenticate });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  const headers = (tenant: string): Record<string, string> => ({ authorization: `Bearer ${tenant}-token` });

  async function follow(user: string, query = "", tenant = "acme"): Promise<UserStream> {
    const connection = new AbortController();
    const response = await openSse(`${runtime.url}/v1/users/${user}/agents/stream${query}`, { headers: headers(tenant), signal: connection.signal });
    expect(response.status).toBe(200);
    const first = await response.frames.next();
    const next = async (count: number): Promise<SseFrame[]> => {
      const frames: SseFrame[] = [];
      while (frames.length < count) {
        const item = await response.frames.next();
        if (item.done === true) throw new Error(`stream ended after ${JSON.stringify(frames)}`);
        frames.push(item.value);
      }
      return frames;
    };
    return { open: first.value as SseFrame, response, next, close: async () => connection.abort() };
  }

  /** Starts a run and waits for its JSON result. */
  async function run(body: Record<string, unknown>, tenant = "acme"): Promise<{ run_id: string; agent_id: string; status: string }> {
    return fetchJson(`${runtime.url}/v1/runs`, {
      method: "POST",
      headers: { ...headers(tenant), "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
  }

  async function followers(): Promise<number> {
    const text = await (await fetch(`${runtime.url}/metrics`, { headers: headers("acme") })).text();
    return Number(/^loomcycle_user_stream_followers (\d+)/m.exec(text)?.[1] ?? "NaN");
  }

  it("opens with stream_open, then streams queued, running, completed of the user's run, and nothing of other users or tenants", async () => {
    const stream = await follow("u1");
    expect(stream.open).toEqual({ event: "stream_open", data: { user_id: "u1", filter_status: [], filter_agent: "", keepalive_interval: "300ms" } });
    // Another user of the tenant, and a user named u1 in another tenant, run first: neither shows.
    await run({ agent: "default", prompt: "not mine", user_id: "u2" });
    await run({ agent: "default", prompt: "other tenant", user_id: "u1" }, "globex");
    const mine = await run({ agent: "default", prompt: "hi", user_id: "u1" });
    expect(mine.status).toBe("completed");
    const frames = await stream.next(3);
    expect(frames.map((frame) => frame.event)).toEqual(["run_state", "run_state", "run_state"]);
    expect(frames.map((frame) => frame.data["status"])).toEqual(["queued", "running", "completed"]);
    for (const frame of frames) {
      expect(frame.data).toMatchObject({ run_id: mine.run_id, agent_id: mine.agent_id, agent: "default", user_id: "u1", parent_agent_id: null });
      expect(Number.isNaN(Date.parse(String(frame.data["ts"])))).toBe(false);
    }
    expect(frames[0]?.data).toMatchObject({ stop_reason: null, error: null });
    expect(frames[2]?.data).toMatchObject({ stop_reason: "end_turn", error: null });
    expect(Object.keys(frames[2]?.data ?? {}).sort()).toEqual(["agent", "agent_id", "error", "parent_agent_id", "run_id", "status", "stop_reason", "ts", "user_id"]);
    await stream.close();
  });

  it("applies ?status= and ?agent=, and reports a failed run with its error", async () => {
    const finished = await follow("u3", "?status=completed,failed");
    const scripted = await follow("u3", "?agent=scripted");
    expect(finished.open.data).toMatchObject({ filter_status: ["completed", "failed"], filter_agent: "" });
    expect(scripted.open.data).toMatchObject({ filter_status: [], filter_agent: "scripted" });
    const echo = await run({ agent: "default", prompt: "hi", user_id: "u3" });
    const tools = await run({ agent: "scripted", prompt: "go", user_id: "u3", metadata: { mock_script: twoToolTurns } });
    // No script: the mock model refuses, and the run fails.
    const broken = await run({ agent: "scripted", prompt: "go", user_id: "u3" });
    expect(broken.status).toBe("failed");
    const ended = await finished.next(3);
    expect(ended.map((frame) => [frame.data["run_id"], frame.data["status"]])).toEqual([
      [echo.run_id, "completed"],
      [tools.run_id, "completed"],
      [broken.run_id, "failed"],
    ]);
    expect(ended[2]?.data["error"]).toEqual(expect.stringContaining("mock-tools"));
    const ofScripted = await scripted.next(6);
    expect(ofScripted.map((frame) => [frame.data["run_id"], frame.data["status"]])).toEqual([
      [tools.run_id, "queued"],
      [tools.run_id, "running"],
      [tools.run_id, "completed"],
      [broken.run_id, "queued"],
      [broken.run_id, "running"],
      [broken.run_id, "failed"],
    ]);
    await finished.close();
    await scripted.close();
  });

  it("streams a sub-agent's changes with its parent's handle, and a cancelled run with stop_reason cancelled", async () => {
    const stream = await follow("u6");
    const parent = await run({ agent: "orchestrator", prompt: "go", user_id: "u6" });
    expect(parent.status).toBe("completed");
    const frames = await stream.next(6);
    const child = frames.find((frame) => frame.data["agent"] === "echo-child")?.data;
    expect(child?.["parent_agent_id"]).toBe(parent.agent_id);
    expect(frames.map((frame) => [frame.data["agent"], frame.data["status"]])).toEqual([
      ["orchestrator", "queued"],
      ["orchestrator", "running"],
      ["echo-child", "queued"],
      ["echo-child", "running"],
      ["echo-child", "completed"],
      ["orchestrator", "completed"],
    ]);

    const sleeping = run({ agent: "sleeper", prompt: "sleep", user_id: "u6" });
    const [queued, running] = await stream.next(2);
    expect([queued?.data["status"], running?.data["status"]]).toEqual(["queued", "running"]);
    const agentId = String(running?.data["agent_id"]);
    await fetchJson(`${runtime.url}/v1/agents/${agentId}/cancel`, { method: "POST", headers: { ...headers("acme"), "content-type": "application/json" }, body: "{}" });
    const [cancelled] = await stream.next(1);
    expect(cancelled?.data).toMatchObject({ agent_id: agentId, status: "cancelled", stop_reason: "cancelled" });
    expect((await sleeping).status).toBe("cancelled");
    await stream.close();
  });

  it("refuses a bad filter or user id with a 400 naming the field", async () => {
    const badStatus = await fetch(`${runtime.url}/v1/users/u1/agents/stream?status=running,sleeping`, { headers: headers("acme") });
    expect(badStatus.status).toBe(400);
    expect(await badStatus.json()).toMatchObject({ code: "invalid_argument", error: expect.stringContaining("status") });
    const badUser = await fetch(`${runtime.url}/v1/users/${encodeURIComponent("a b")}/agents/stream`, { headers: headers("acme") });
    expect(badUser.status).toBe(400);
    expect(await badUser.json()).toMatchObject({ error: expect.stringContaining("user_id") });
    expect((await fetch(`${runtime.url}/v1/users/u1/agents/stream`)).status).toBe(401);
  });

  it("sends :keepalive comments while idle and unsubscribes when the client goes away", async () => {
    const before = await followers();
    const streams = await Promise.all([follow("u4"), follow("u4"), follow("u5")]);
    expect(await followers()).toBe(before + 3);
    // Nothing happens to u4: the stream stays open on keepalive comments (every 300 ms here).
    const idle = streams[0]?.response.frames.next().catch(() => undefined);
    await expect.poll(() => streams[0]?.response.comments.length, { timeout: 10_000 }).toBeGreaterThan(1);
    expect(streams[0]?.response.comments[0]).toBe("keepalive");
    for (const stream of streams) await stream.close();
    await idle;
    await expect.poll(followers, { timeout: 10_000 }).toBe(before);
    // After the clients left, runs of their users still complete and publish into the void.
    expect((await run({ agent: "default", prompt: "hi", user_id: "u4" })).status).toBe("completed");
    expect(await followers()).toBe(before);
  });
});
