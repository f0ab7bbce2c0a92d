import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/domain/index.ts";
import type { Agent } from "../../src/domain/index.ts";
import { createRuntime } from "../../src/main.ts";
import type { Runtime } from "../../src/main.ts";
import { createPgliteStore, createPostgresStore } from "../../src/store/index.ts";
import type { Store } from "../../src/store/index.ts";
import { allFrames, postSse, readJson } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { TEST_AGENTS, TEST_DATABASE_URL, testAgent, testConfig } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

const writer: Agent = testAgent({
  name: "writer",
  provider: "mock",
  model: "mock-tools",
  tools: ["Channel"],
  channels: { publish: ["team/*", "inbox"], subscribe: ["team/*", "inbox"] },
  system_prompt: "Use channels.",
});
const outsider: Agent = testAgent({ name: "outsider", provider: "mock", model: "mock-tools", tools: ["Channel"], system_prompt: "No grants." });
const agents = [...TEST_AGENTS, writer, outsider];

/** A store that can be closed and opened again on the same data (a runtime restart). */
async function reopenableStore(kind: StoreKind): Promise<{ open: () => Promise<Store>; dispose: () => Promise<void> }> {
  if (kind === "pglite") {
    const dataDir = await mkdtemp(join(tmpdir(), "lc-channels-"));
    return { open: () => createPgliteStore({ dataDir }), dispose: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const schema = `lc_test_${Math.random().toString(36).slice(2, 10)}`;
  return {
    open: () => createPostgresStore({ url: TEST_DATABASE_URL, schema }),
    dispose: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** Runs `agent` (as `user_id` when given) on a mock script and returns the run's SSE frames. */
async function runScript(url: string, run: { agent: string; userId?: string }, script: unknown[]): Promise<SseFrame[]> {
  const body = { agent: run.agent, prompt: "go", metadata: { mock_script: script }, ...(run.userId === undefined ? {} : { user_id: run.userId }) };
  return allFrames(await postSse(`${url}/v1/runs`, body));
}

function toolResults(frames: SseFrame[]): { text: string; is_error: unknown }[] {
  return frames.filter((frame) => frame.event === "tool_result").map((frame) => ({ text: String(frame.data["text"]), is_error: frame.data["is_error"] }));
}

function channelEvents(frames: SseFrame[], type: string): Record<string, unknown>[] {
  return frames.filter((frame) => frame.event === type).map((frame) => frame.data["channel"] as Record<string, unknown>);
}

describe.each<StoreKind>(["pglite", "postgres"])("the Channel tool between agents and apps (%s)", (kind) => {
  let storage: Awaited<ReturnType<typeof reopenableStore>>;
  let runtime: Runtime;
  const start = async (): Promise<Runtime> => createRuntime(testConfig({ agents }), { logger: silentLogger, store: await storage.open() });
  beforeAll(async () => {
    storage = await reopenableStore(kind);
    runtime = await start();
    for (const channel of [{ name: "team/updates" }, { name: "inbox", scope: "user" }, { name: "team/durable" }]) {
      expect((await post(`${runtime.url}/v1/_channels`, channel)).status).toBe(201);
    }
  });
  afterAll(async () => {
    await runtime?.close();
    await storage?.dispose();
  });

  it("lets an agent publish through the tool and an app subscribe over HTTP, with channel_publish in the run's SSE", async () => {
    const frames = await runScript(runtime.url, { agent: "writer" }, [{ tool: "Channel", input: { op: "publish", channel: "team/updates", value: { status: "green" } } }, { text: "done" }]);
    const [result] = toolResults(frames);
    expect(result?.is_error).toBe(false);
    expect(JSON.parse(result?.text ?? "")).toMatchObject({ msg_id: 1, channel: "team/updates", dropped_oldest: 0 });
    expect(channelEvents(frames, "channel_publish")).toEqual([
      { channel: "team/updates", message_id: 1, scope: "global", scope_id: "", payload_bytes: 18, payload_preview: '{"status":"green"}', dropped_oldest: 0, cursor: "cur_1" },
    ]);
    const delivered = await readJson(await post(`${runtime.url}/v1/_channels/team/updates/subscribe`, {}));
    expect(delivered).toMatchObject({ channel: "team/updates", messages: [{ id: 1, value: { status: "green" } }], next_cursor: "cur_1" });
  });

  it("lets an app publish to a user's partition and that user's agent subscribe, with channel_delivery in the SSE", async () => {
    await post(`${runtime.url}/v1/_channels/inbox/publish`, { payload: "for someone else", scope_id: "u-2" });
    await post(`${runtime.url}/v1/_channels/inbox/publish`, { payload: "hello u-1", scope_id: "u-1" });
    const script = [{ tool: "Channel", input: { op: "subscribe", channel: "inbox" } }, { text: "done" }];
    const frames = await runScript(runtime.url, { agent: "writer", userId: "u-1" }, script);
    const [result] = toolResults(frames);
    expect(JSON.parse(result?.text ?? "")).toMatchObject({ channel: "inbox", messages: [{ id: 1, value: "hello u-1" }], next_cursor: "cur_1" });
    expect(channelEvents(frames, "channel_delivery")).toEqual([
      { channel: "inbox", message_id: 1, scope: "user", scope_id: "u-1", payload_bytes: 11, payload_preview: '"hello u-1"', dropped_oldest: 0, cursor: "cur_1" },
    ]);
  });

  it("wakes an agent long-polling through the tool when an app publishes meanwhile", async () => {
    await post(`${runtime.url}/v1/_channels`, { name: "team/waiting" });
    const started = Date.now();
    const script = [{ tool: "Channel", input: { op: "subscribe", channel: "team/waiting", wait_ms: 20_000 } }, { text: "done" }];
    const running = runScript(runtime.url, { agent: "writer" }, script);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await post(`${runtime.url}/v1/_channels/team/waiting/publish`, { payload: "wake up" });
    const [result] = toolResults(await running);
    expect(JSON.parse(result?.text ?? "").messages).toEqual([expect.objectContaining({ value: "wake up" })]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("gives the model readable errors for ungranted and undeclared channels", async () => {
    const denied = toolResults(await runScript(runtime.url, { agent: "outsider" }, [{ tool: "Channel", input: { op: "publish", channel: "team/updates", value: 1 } }, { text: "done" }]));
    expect(denied).toEqual([
      {
        is_error: true,
        text:
          'Channel: agent "outsider" may not publish to "team/updates"; it may publish to: no channel. ' +
          "An operator grants more in the agent's channels.publish (exact names or a trailing /*).",
      },
    ]);
    const unknown = toolResults(await runScript(runtime.url, { agent: "writer" }, [{ tool: "Channel", input: { op: "publish", channel: "team/ghost", value: 1 } }, { text: "done" }]));
    expect(unknown[0]?.is_error).toBe(true);
    expect(unknown[0]?.text).toMatch(/^Channel publish: unknown channel "team\/ghost" \(declared channels: .*inbox.*\)/);
  });

  it("keeps cursors across a runtime restart on the same store", async () => {
    for (const n of [1, 2, 3]) await post(`${runtime.url}/v1/_channels/team/durable/publish`, { payload: n });
    const take = [{ tool: "Channel", input: { op: "subscribe", channel: "team/durable", max_messages: 1 } }, { text: "done" }];
    expect(JSON.parse(toolResults(await runScript(runtime.url, { agent: "writer" }, take))[0]?.text ?? "").messages).toEqual([expect.objectContaining({ id: 1 })]);
    expect((await readJson(await post(`${runtime.url}/v1/_channels/team/durable/subscribe`, { max_messages: 2 }))).next_cursor).toBe("cur_2");

    await runtime.close();
    runtime = await start();

    const after = JSON.parse(toolResults(await runScript(runtime.url, { agent: "writer" }, take))[0]?.text ?? "");
    expect(after).toMatchObject({ messages: [{ id: 2, value: 2 }], next_cursor: "cur_2" });
    const app = await readJson(await post(`${runtime.url}/v1/_channels/team/durable/subscribe`, {}));
    expect(app).toMatchObject({ messages: [{ id: 3, value: 3 }], next_cursor: "cur_3" });
    const peek = [{ tool: "Channel", input: { op: "peek", channel: "team/durable" } }, { tool: "Channel", input: { op: "peek", channel: "team/durable" } }, { text: "done" }];
    const [first, second] = toolResults(await runScript(runtime.url, { agent: "writer" }, peek));
    expect(first?.text).toBe(second?.text);
    expect(JSON.parse(first?.text ?? "").messages.map((m: { id: number }) => m.id)).toEqual([3]);
  });
});
