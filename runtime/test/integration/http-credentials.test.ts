import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allFrames, fetchJson, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime, testAgent } from "../support/test-runtime.ts";

const BEARER = "ub-Zm9vYmFyLXRva2VuLTEyMzQ1Njc4OTA=";
const CRED = "cred-value-s3cr3t-42";
const SECRETS = [BEARER, CRED];

const caller = testAgent({ name: "caller", description: "HTTP with credentials", provider: "mock", model: "mock-tools", tools: ["HTTP"], system_prompt: "Follow the script." });

/** The HTTP call a run makes: forwards both secrets as headers to the target, which echoes them back. */
const script = (url: string, extra: Record<string, string> = {}): unknown[] => [
  { tool: "HTTP", input: { method: "GET", url, headers: { authorization: "Bearer ${run.user_bearer}", "x-api-key": "${cred:x}", ...extra } } },
  { text: "done" },
];

const toolResult = (frames: SseFrame[]): Record<string, unknown> | undefined => frames.find((frame) => frame.event === "tool_result")?.data;

function expectNoSecret(value: unknown, where: string): void {
  const text = JSON.stringify(value);
  for (const secret of SECRETS) expect(text.includes(secret), `${where} carries a secret`).toBe(false);
}

describe("per-run credentials", () => {
  let target: Server;
  let url: string;
  let hookPayloads: unknown[] = [];
  const seen: IncomingHttpHeaders[] = [];
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    target = createServer((request, response) => {
      if (request.url === "/hook") {
        let body = "";
        request.on("data", (chunk: Buffer) => (body += chunk.toString()));
        request.on("end", () => {
          hookPayloads.push(JSON.parse(body));
          response.writeHead(200, { "content-type": "application/json" }).end("{}");
        });
        return;
      }
      seen.push(request.headers);
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ you_sent: { authorization: request.headers.authorization, key: request.headers["x-api-key"] } }));
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    runtime = await startTestRuntime("pglite", {
      agents: [...TEST_AGENTS, caller],
      network: { hostAllowlist: ["127.0.0.1"], privateHostAllowlist: ["127.0.0.1"], searxngUrl: null },
    });
    for (const phase of ["pre", "post"]) {
      await fetch(`${runtime.url}/v1/hooks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ owner: "audit", name: phase, phase, agents: ["caller"], callback_url: `${url}/hook` }),
      });
    }
  });
  afterAll(async () => {
    await runtime?.dispose();
    await new Promise((resolve) => target.close(resolve));
  });

  it("the HTTP tool sends them as headers, and they appear in no event, transcript row, run row, hook payload or tool result", async () => {
    hookPayloads = [];
    const body = { agent: "caller", prompt: "call", user_bearer: BEARER, user_credentials: { x: CRED }, metadata: { mock_script: script(`${url}/echo`) } };
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, body));
    expect(seen.at(-1)).toMatchObject({ authorization: `Bearer ${BEARER}`, "x-api-key": CRED });
    const result = toolResult(frames);
    expect(result).toMatchObject({ is_error: false, text: expect.stringContaining('"authorization\\":\\"Bearer [REDACTED]\\"') });
    expect(result?.["text"]).toContain('\\"key\\":\\"[REDACTED]\\"');
    expectNoSecret(frames, "the SSE stream");
    const session = frames.find((frame) => frame.event === "session")?.data["text"] as string;
    expectNoSecret(await fetchJson(`${runtime.url}/v1/sessions/${session}/transcript`), "the transcript");
    const runId = frames.find((frame) => frame.event === "agent")?.data["run_id"] as string;
    expectNoSecret(await fetchJson(`${runtime.url}/v1/runs/${runId}`), "the run status");
    expectNoSecret(await runtime.store.getRun(runId), "the runs row");
    expectNoSecret(await runtime.store.listSessionEvents(session), "the events table");
    expect(hookPayloads).toHaveLength(2);
    expectNoSecret(hookPayloads, "the hook payloads");
  });

  it("continuations and batch children get their own credentials", async () => {
    const first = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "caller", prompt: "hi", metadata: { mock_script: [{ text: "hello" }] } }));
    const session = first.find((frame) => frame.event === "session")?.data["text"] as string;
    const next = await allFrames(
      await postSse(`${runtime.url}/v1/sessions/${session}/messages`, { prompt: "call", user_bearer: BEARER, user_credentials: { x: CRED }, metadata: { mock_script: [{ text: "hello" }, ...script(`${url}/continued`)] } }),
    );
    expect(toolResult(next)).toMatchObject({ is_error: false });
    expect(seen.at(-1)).toMatchObject({ authorization: `Bearer ${BEARER}`, "x-api-key": CRED });
    const batch = await fetchJson(`${runtime.url}/v1/runs:batch`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ spawns: [{ agent: "caller", prompt: "call", user_bearer: BEARER, user_credentials: { x: CRED }, metadata: { mock_script: script(`${url}/batched`) } }] }),
    });
    expect(batch.results[0]).toMatchObject({ status: "completed" });
    expect(seen.at(-1)).toMatchObject({ authorization: `Bearer ${BEARER}`, "x-api-key": CRED });
    expectNoSecret(batch, "the batch answer");
  });

  it("a placeholder the run has no credential for is a tool error naming it, and nothing is sent", async () => {
    const before = seen.length;
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "caller", prompt: "call", user_bearer: BEARER, user_credentials: { x: CRED }, metadata: { mock_script: script(`${url}/missing`, { "x-other": "${cred:stripe}" }) } }));
    expect(toolResult(frames)).toMatchObject({ is_error: true, text: "HTTP: header x-other: ${cred:stripe} is not set for this run (the caller gave a user_bearer and credentials x)" });
    const bareScript = [{ tool: "HTTP", input: { method: "GET", url: `${url}/bare`, headers: { authorization: "Bearer ${run.user_bearer}" } } }, { text: "done" }];
    const bare = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "caller", prompt: "call", metadata: { mock_script: bareScript } }));
    expect(toolResult(bare)).toMatchObject({ is_error: true, text: "HTTP: header authorization: ${run.user_bearer} is not set for this run (the caller gave no user_bearer and no credentials)" });
    expect(seen.length).toBe(before);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ["a short bearer", { user_bearer: "short" }, "user_bearer"],
    ["a bearer with spaces", { user_bearer: "has spaces in the token value" }, "user_bearer"],
    ["a non-string bearer", { user_bearer: 1234567890123456 }, "user_bearer"],
    ["a credential name with a space", { user_credentials: { "bad name": "v" } }, "user_credentials"],
    ["a non-string credential", { user_credentials: { x: 1 } }, "user_credentials.x"],
    ["a credential over 4096 characters", { user_credentials: { x: "v".repeat(4097) } }, "user_credentials.x"],
    ["33 credentials", { user_credentials: Object.fromEntries(Array.from({ length: 33 }, (_, index) => [`k${index}`, "v"])) }, "user_credentials"],
    ["credentials that are not an object", { user_credentials: ["x"] }, "user_credentials"],
  ];

  it.each(bad)("refuses %s with a 400 naming the field, on /v1/runs, /messages and runs:batch", async (_what, fields, field) => {
    const escaped = field.replace(/\./g, "\\.");
    const post = (path: string, body: unknown): Promise<Response> => fetch(`${runtime.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const run = await post("/v1/runs", { agent: "caller", prompt: "x", ...fields });
    expect(run.status).toBe(400);
    expect(((await run.json()) as { error: string }).error).toMatch(new RegExp(`^${escaped}(\\.|: )`));
    const continued = await post("/v1/sessions/ses_missing/messages", { prompt: "x", ...fields });
    expect(continued.status).toBe(400);
    const batch = await post("/v1/runs:batch", { spawns: [{ agent: "caller", prompt: "x", ...fields }] });
    expect(batch.status).toBe(400);
    expect(((await batch.json()) as { error: string }).error).toMatch(new RegExp(`^spawns\\[0\\]\\.${escaped}`));
  });
});
