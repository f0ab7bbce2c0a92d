import { afterEach, describe, expect, it } from "vitest";
import { startTestRuntime } from "../support/test-runtime.ts";

type TestRuntime = Awaited<ReturnType<typeof startTestRuntime>>;

/** POST /v1/runs for a JSON answer, with an Idempotency-Key. */
async function postRun(url: string, key: string, prompt: string): Promise<{ status: number; replayed: boolean; runId: string; finalText: string }> {
  const response = await fetch(`${url}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", "idempotency-key": key },
    body: JSON.stringify({ agent: "default", prompt }),
  });
  const body = (await response.json()) as { run_id: string; final_text: string };
  return { status: response.status, replayed: response.headers.get("idempotent-replayed") === "true", runId: body.run_id, finalText: body.final_text };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Postgres only: PGlite runs the same SQL files (checked by hand), and its start-up alone would take most of this file's budget on a loaded machine.
describe.each(["postgres"] as const)("Idempotency-Key retention (%s store)", (kind) => {
  const runtimes: TestRuntime[] = [];
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.dispose();
  });
  async function start(ttlSeconds: number): Promise<TestRuntime> {
    const runtime = await startTestRuntime(kind, { idempotency: { ttlSeconds } });
    runtimes.push(runtime);
    return runtime;
  }

  it("answers the same run while the key is younger than the TTL, and starts a new run with the same key after it", async () => {
    const { url } = await start(1);
    const first = await postRun(url, "order-7", "first");
    expect(first).toMatchObject({ status: 200, replayed: false, finalText: "You said: first" });
    const again = await postRun(url, "order-7", "ignored");
    expect(again).toMatchObject({ status: 200, replayed: true, runId: first.runId, finalText: "You said: first" });

    await sleep(1_300);
    const expired = await postRun(url, "order-7", "second");
    expect(expired).toMatchObject({ status: 200, replayed: false, finalText: "You said: second" });
    expect(expired.runId).not.toBe(first.runId);
    // The key now belongs to the new run, for a TTL of its own.
    const repeat = await postRun(url, "order-7", "ignored");
    expect(repeat).toMatchObject({ replayed: true, runId: expired.runId, finalText: "You said: second" });
  });

  it("lets concurrent requests with an expired key agree on one new run", async () => {
    const { url } = await start(1);
    const first = await postRun(url, "race-key", "old");
    await sleep(1_300);
    const answers = await Promise.all(Array.from({ length: 5 }, () => postRun(url, "race-key", "new")));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    const ids = new Set(answers.map((answer) => answer.runId));
    expect(ids.size).toBe(1);
    expect(ids.has(first.runId)).toBe(false);
    expect(answers.filter((answer) => !answer.replayed)).toHaveLength(1);
  });

  it("the retention sweep releases only the keys of runs older than the TTL, in one statement", async () => {
    const { url, store } = await start(3_600);
    const old = await postRun(url, "old-key", "old");
    await sleep(1_300);
    const fresh = await postRun(url, "fresh-key", "fresh");
    expect(await store.idempotency.expire(1)).toBe(1);
    expect(await store.idempotency.expire(1)).toBe(0);
    // Released: the old key starts a new run although the runtime's own TTL is an hour; the fresh key still replays.
    const reused = await postRun(url, "old-key", "reused");
    expect(reused).toMatchObject({ replayed: false, finalText: "You said: reused" });
    expect(reused.runId).not.toBe(old.runId);
    expect(await postRun(url, "fresh-key", "ignored")).toMatchObject({ replayed: true, runId: fresh.runId });
  });
});
