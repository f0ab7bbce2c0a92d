import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { mint } from "../support/auth-client.ts";
import { openSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { TEST_REDIS_URL, slowScript, startCluster } from "./cluster-support.ts";
import type { Cluster } from "./cluster-support.ts";

/**
 * GET /v1/users/{id}/agents/stream across processes (issue 6 §6): a follower on api B sees the
 * status changes of a run accepted by api A and executed by a worker process, in order; nothing
 * of another user, nothing of a user with the same name in another tenant; and its Redis
 * subscription goes away with the client.
 */

const SHARED = "user-stream-shared-token-0123456789";

describe("the user run-state stream in a cluster of 2 api and 2 worker processes", () => {
  let cluster: Cluster;
  let redis: Redis;
  /** A principal of tenant globex whose subject (so the user of its runs) is also u1. */
  let globexU1 = "";
  beforeAll(async () => {
    cluster = await startCluster({ apis: 2, workers: 2, env: { LOOMCYCLE_AUTH_TOKEN: SHARED, LOOMCYCLE_OPERATOR_TOKEN_PEPPER: "user-stream" } });
    redis = new Redis(TEST_REDIS_URL);
    globexU1 = await mint({ base: cluster.apis[0]?.url ?? "", admin: SHARED, name: "globex-u1", scopes: ["runs:create", "runs:read"], tenant: "globex", subject: "u1" });
  }, 90_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.dispose();
  });

  /** Starts a run on `base` and waits for its JSON result. The shared token honours the body's user_id. */
  async function run(base: string, body: Record<string, unknown>, token = SHARED): Promise<{ run_id: string; status: string }> {
    const response = await fetch(`${base}/v1/runs`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return response.json() as Promise<{ run_id: string; status: string }>;
  }

  /** The base URL of api process `index`. */
  const api = (index: number): string => cluster.apis[index]?.url ?? "";

  /** Subscribers of the default tenant's u1 channel on Redis, over every process. */
  async function redisFollowers(): Promise<number> {
    const answer = (await redis.pubsub("NUMSUB", `${cluster.prefix}:run-states:default:u1`)) as [string, number];
    return Number(answer[1]);
  }

  it("streams queued, running, completed of u1's run started on api A to a follower on api B, and nothing else", async () => {
    const connection = new AbortController();
    const stream = await openSse(`${api(1)}/v1/users/u1/agents/stream`, { headers: { authorization: `Bearer ${SHARED}` }, signal: connection.signal });
    expect(stream.status).toBe(200);
    const open = await stream.frames.next();
    expect(open.value).toMatchObject({ event: "stream_open", data: { user_id: "u1", filter_status: [], filter_agent: "" } });
    // stream_open is sent once api B's subscription is live.
    expect(await redisFollowers()).toBe(1);

    // Another user of the tenant, and u1 of another tenant, finish first: neither may show up.
    expect((await run(api(0), { agent: "default", prompt: "not u1", user_id: "u2" })).status).toBe("completed");
    expect((await run(api(0), { agent: "default", prompt: "globex's u1" }, globexU1)).status).toBe("completed");
    const mine = await run(api(0), { agent: "slow", prompt: "go", user_id: "u1", metadata: { mock_script: slowScript(2, 50) } });
    expect(mine.status).toBe("completed");

    const frames: SseFrame[] = [];
    for (let index = 0; index < 3; index++) {
      const item = await stream.frames.next();
      if (item.done === true) break;
      frames.push(item.value);
    }
    expect(frames.map((frame) => [frame.event, frame.data["run_id"], frame.data["status"]])).toEqual([
      ["run_state", mine.run_id, "queued"],
      ["run_state", mine.run_id, "running"],
      ["run_state", mine.run_id, "completed"],
    ]);
    expect(frames[2]?.data).toMatchObject({ agent: "slow", user_id: "u1", parent_agent_id: null, stop_reason: "end_turn", error: null });

    // The client goes away: api B drops its Redis subscription.
    connection.abort();
    await expect.poll(redisFollowers, { timeout: 10_000 }).toBe(0);
  });

  it("a run of another tenant's u1 reaches that tenant's follower only", async () => {
    const connection = new AbortController();
    const stream = await openSse(`${api(0)}/v1/users/u1/agents/stream?status=completed`, { headers: { authorization: `Bearer ${globexU1}` }, signal: connection.signal });
    expect((await stream.frames.next()).value).toMatchObject({ event: "stream_open", data: { filter_status: ["completed"] } });
    await run(api(1), { agent: "default", prompt: "default's u1", user_id: "u1" });
    const theirs = await run(api(1), { agent: "default", prompt: "globex's u1" }, globexU1);
    const frame = await stream.frames.next();
    expect(frame.value).toMatchObject({ event: "run_state", data: { run_id: theirs.run_id, status: "completed", user_id: "u1" } });
    connection.abort();
  });
});
