import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchJson, postSse, allFrames } from "../support/sse-client.ts";
import { startCluster, waitFor } from "./cluster-support.ts";
import type { Cluster } from "./cluster-support.ts";

const BEARER = "ub-Y2x1c3Rlci1iZWFyZXItMTIzNDU2Nzg5MA==";
const SECRET_KEY = "a-test-secret-key-of-at-least-32-characters";

const CALLER = `---
name: caller
description: calls a URL with the caller's bearer
provider: mock
model: mock-tools
tools: HTTP
---
Follow the script.
`;

const script = (url: string): unknown[] => [{ tool: "HTTP", input: { method: "GET", url, headers: { authorization: "Bearer ${run.user_bearer}" } } }, { text: "done" }];

async function runRow(databaseUrl: string, runId: string): Promise<{ sealed_credentials: string | null } | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ sealed_credentials: string | null }>("select sealed_credentials from runs where id = $1", [runId])).rows[0];
  } finally {
    await client.end();
  }
}

describe("per-run credentials on a cluster (an api accepts, a worker executes)", () => {
  let target: Server;
  let url: string;
  const seen: IncomingHttpHeaders[] = [];
  let cluster: Cluster;
  beforeAll(async () => {
    target = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/echo`;
    const env = { LOOMCYCLE_SECRET_KEY: SECRET_KEY, LOOMCYCLE_HTTP_HOST_ALLOWLIST: "127.0.0.1", LOOMCYCLE_HTTP_PRIVATE_HOST_ALLOWLIST: "127.0.0.1" };
    cluster = await startCluster({ apis: 1, workers: 1, env, agents: { caller: CALLER } });
  }, 120_000);
  afterAll(async () => {
    await cluster?.dispose();
    await new Promise((resolve) => target.close(resolve));
  });

  it("the worker sends the bearer the api accepted; the row holds it only sealed, and only until the run ends", async () => {
    const api = cluster.apis[0]?.url as string;
    const started = await postSse(`${api}/v1/runs`, { agent: "caller", prompt: "call", agent_id: "cred-1", user_bearer: BEARER, metadata: { mock_script: script(url) } });
    const frames = await allFrames(started);
    const runId = frames.find((frame) => frame.event === "agent")?.data["run_id"] as string;
    expect(frames.at(-1)).toMatchObject({ event: "done" });
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${BEARER}`);
    await waitFor(async () => (await fetchJson(`${api}/v1/agents/cred-1`)).status === "completed");
    expect(await runRow(cluster.databaseUrl, runId)).toEqual({ sealed_credentials: null });
  });

  it("the sealed copy on the row of a waiting run never shows the secret", async () => {
    const api = cluster.apis[0]?.url as string;
    const slow = [{ text: "waiting", delay_ms: 1500 }];
    const response = await postSse(`${api}/v1/runs`, { agent: "slow", prompt: "wait", agent_id: "cred-2", user_bearer: BEARER, metadata: { mock_script: slow } });
    let runId = "";
    for await (const frame of response.frames) {
      if (frame.event !== "agent") continue;
      runId = frame.data["run_id"] as string;
      break;
    }
    const row = await runRow(cluster.databaseUrl, runId);
    expect(row?.sealed_credentials).toMatch(/^v1\./);
    expect(row?.sealed_credentials).not.toContain(BEARER);
    await waitFor(async () => (await fetchJson(`${api}/v1/agents/cred-2`)).status === "completed");
  });

  it("an api process without LOOMCYCLE_SECRET_KEY refuses credentials with a 400 that names the field and the fix", async () => {
    const bare = await cluster.bootApi({ LOOMCYCLE_SECRET_KEY: "" });
    const response = await fetch(`${bare.url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ agent: "caller", prompt: "call", user_bearer: BEARER }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; error: string };
    expect(body.code).toBe("invalid_argument");
    expect(body.error).toContain("user_bearer");
    expect(body.error).toContain("LOOMCYCLE_SECRET_KEY");
  });
});
