import { afterEach, describe, expect, it } from "vitest";
import { mint } from "../support/auth-client.ts";
import { allFrames, postSse } from "../support/sse-client.ts";
import { startTestRuntime } from "../support/test-runtime.ts";

const SHARED = "idempotency-shared-token";

type TestRuntime = Awaited<ReturnType<typeof startTestRuntime>>;

/** POST /v1/runs for a JSON answer, with an Idempotency-Key and bearer when given. */
async function postRun(options: { url: string; body: unknown; key?: string; token?: string }): Promise<{ status: number; replayed: string | null; body: any }> {
  const response = await fetch(`${options.url}/v1/runs`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      ...(options.key === undefined ? {} : { "idempotency-key": options.key }),
      authorization: `Bearer ${options.token ?? SHARED}`,
    },
    body: JSON.stringify(options.body),
  });
  return { status: response.status, replayed: response.headers.get("idempotent-replayed"), body: await response.json() };
}

describe.each(["pglite", "postgres"] as const)("Idempotency-Key on POST /v1/runs (%s store)", (kind) => {
  const runtimes: TestRuntime[] = [];
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.dispose();
  });
  async function start(): Promise<TestRuntime> {
    const runtime = await startTestRuntime(kind, { auth: { token: SHARED, pepper: "idempotency", rotationGraceSeconds: 0 } });
    runtimes.push(runtime);
    return runtime;
  }

  it("returns the same run (200, same run_id) for a repeated key, even with another body; another key makes another run", async () => {
    const { url } = await start();
    const first = await postRun({ url, key: "order-42", body: { agent: "default", prompt: "hello" } });
    expect(first).toMatchObject({ status: 200, replayed: null, body: { status: "completed", final_text: "You said: hello" } });
    const again = await postRun({ url, key: "order-42", body: { agent: "default", prompt: "something else" } });
    expect(again).toMatchObject({ status: 200, replayed: "true", body: { run_id: first.body.run_id, session_id: first.body.session_id, final_text: "You said: hello" } });
    const other = await postRun({ url, key: "order-43", body: { agent: "default", prompt: "hello" } });
    expect(other.body.run_id).not.toBe(first.body.run_id);
    const unkeyed = await postRun({ url, body: { agent: "default", prompt: "hello" } });
    expect([first.body.run_id, other.body.run_id]).not.toContain(unkeyed.body.run_id);
  });

  it("streams the earlier run from its first event when the repeat asks for SSE", async () => {
    const { url } = await start();
    const first = await postRun({ url, key: "sse-key", body: { agent: "default", prompt: "stream me" } });
    const replay = await postSse(`${url}/v1/runs`, { agent: "default", prompt: "ignored" }, { "idempotency-key": "sse-key", authorization: `Bearer ${SHARED}` });
    expect(replay.status).toBe(200);
    expect(replay.contentType).toContain("text/event-stream");
    const frames = await allFrames(replay);
    expect(frames[0]).toMatchObject({ event: "session", data: { text: first.body.session_id } });
    expect(frames[1]).toMatchObject({ event: "agent", data: { run_id: first.body.run_id } });
    expect(frames.filter((frame) => frame.event === "started")).toHaveLength(1);
    expect(frames.at(-1)).toMatchObject({ event: "done" });
    expect(frames.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toBe("You said: stream me");
    const raw = await fetch(`${url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", "idempotency-key": "sse-key", authorization: `Bearer ${SHARED}` },
      body: JSON.stringify({ agent: "default", prompt: "ignored" }),
    });
    expect(raw.headers.get("idempotent-replayed")).toBe("true");
    await raw.body?.cancel();
  });

  it("creates one run for concurrent requests with the same key", async () => {
    const { url } = await start();
    const answers = await Promise.all(Array.from({ length: 6 }, () => postRun({ url, key: "race", body: { agent: "default", prompt: "once" } })));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((answer) => answer.body.run_id)).size).toBe(1);
    expect(answers.filter((answer) => answer.replayed === "true")).toHaveLength(5);
  });

  it("keeps keys per tenant: the same key in another tenant makes that tenant its own run", async () => {
    const { url } = await start();
    const acme = await mint({ base: url, admin: SHARED, name: "acme-app", scopes: ["substrate:tenant"], tenant: "acme" });
    const globex = await mint({ base: url, admin: SHARED, name: "globex-app", scopes: ["substrate:tenant"], tenant: "globex" });
    const first = await postRun({ url, key: "shared-key", token: acme, body: { agent: "default", prompt: "acme" } });
    const second = await postRun({ url, key: "shared-key", token: globex, body: { agent: "default", prompt: "globex" } });
    expect(first.body.final_text).toBe("You said: acme");
    expect(second).toMatchObject({ status: 200, replayed: null, body: { final_text: "You said: globex" } });
    expect(second.body.run_id).not.toBe(first.body.run_id);
  });

  it("refuses a malformed key with a 400 naming the header, and creates no run", async () => {
    const { url, store } = await start();
    for (const key of ["has space", "x".repeat(256)]) {
      const answer = await postRun({ url, key, body: { agent: "default", prompt: "hello" } });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: "invalid_argument" });
      expect(answer.body.error).toContain("Idempotency-Key");
    }
    expect(await store.listRuns({})).toHaveLength(0);
  });
});
