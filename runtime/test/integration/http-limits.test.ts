import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secondsToNextMonthUtc } from "../../src/domain/index.ts";
import { allFrames, fetchJson, postSse, readJson } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { startTestRuntime } from "../support/test-runtime.ts";

/**
 * Monthly token budgets over HTTP: GET|PUT|DELETE /v1/_limits, a hard budget refusing the next
 * run (429 token_limit_exceeded, Retry-After to the next month), and a soft budget adding one
 * `limit` event to the run that reaches it.
 */

type TestRuntime = Awaited<ReturnType<typeof startTestRuntime>>;

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** Three model calls (two tool turns and a closing text), each with its own `usage` event. */
const THREE_CALLS = [{ tool: "Context", input: { op: "self" } }, { tool: "Context", input: { op: "self" } }, { text: "done" }];

async function run(runtime: TestRuntime, body: Record<string, unknown>): Promise<SseFrame[]> {
  return allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "scripted", prompt: "go", metadata: { mock_script: THREE_CALLS }, ...body }));
}

describe.each(["pglite", "postgres"] as const)("monthly token budgets (%s store)", (kind) => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime(kind);
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("round-trips /v1/_limits: PUT answers the row, GET lists it with month-to-date usage, DELETE removes it (204)", async () => {
    const url = `${runtime.url}/v1/_limits`;
    const put = await fetch(url, json("PUT", { scope: "user", scope_id: "rita", soft_limit: 1000, hard_limit: 5000 }));
    expect(put.status).toBe(200);
    const row = await readJson(put);
    expect(row).toMatchObject({ tenant_id: "default", scope: "user", scope_id: "rita", soft_limit: 1000, hard_limit: 5000, used: 0, updated_by: "default" });
    expect(Date.parse(row.updated_at)).toBeGreaterThan(Date.now() - 60_000);

    // A tier left out is cleared; a tenant budget's scope_id is the caller's tenant.
    expect(await fetchJson(url, json("PUT", { scope: "user", scope_id: "rita", hard_limit: 6000 }))).not.toHaveProperty("soft_limit");
    expect(await fetchJson(url, json("PUT", { scope: "tenant", soft_limit: 10_000_000 }))).toMatchObject({ scope: "tenant", scope_id: "default", soft_limit: 10_000_000 });

    const listed = await fetchJson(url);
    expect(listed.limits.map((limit: { scope: string; scope_id: string; hard_limit?: number }) => [limit.scope, limit.scope_id, limit.hard_limit ?? null])).toEqual([
      ["tenant", "default", null],
      ["user", "rita", 6000],
    ]);

    expect((await fetch(`${url}?scope=user&scope_id=rita`, { method: "DELETE" })).status).toBe(204);
    expect((await fetch(`${url}?scope=tenant`, { method: "DELETE" })).status).toBe(204);
    expect((await fetch(`${url}?scope=tenant`, { method: "DELETE" })).status).toBe(204);
    expect(await fetchJson(url)).toEqual({ limits: [] });
  });

  it("refuses bad budgets with a 400 naming the field", async () => {
    const url = `${runtime.url}/v1/_limits`;
    const cases: [unknown, string][] = [
      [{ scope: "user", scope_id: "rita", soft_limit: 100, hard_limit: 50 }, "hard_limit"],
      [{ scope: "operator", soft_limit: 1 }, "scope"],
      [{ scope_id: "rita", soft_limit: 1 }, "scope"],
      [{ scope: "user", soft_limit: 1 }, "scope_id"],
      [{ scope: "tenant", scope_id: "someone-else", soft_limit: 1 }, "scope_id"],
      [{ scope: "user", scope_id: "rita" }, "soft_limit"],
      [{ scope: "user", scope_id: "rita", soft_limit: -1 }, "soft_limit"],
      [{ scope: "user", scope_id: "rita", hard_limit: 1.5 }, "hard_limit"],
      [{ scope: "user", scope_id: "rita", soft_limit: 1, window: "day" }, "window"],
      [{ tenant_id: "other-tenant", scope: "tenant", soft_limit: 1 }, "tenant_id"],
    ];
    for (const [body, field] of cases) {
      const response = await fetch(url, json("PUT", body));
      const answer = await readJson(response);
      expect([response.status, answer.code, answer.error.split(":")[0]], JSON.stringify(body)).toEqual([400, "invalid_argument", field]);
    }
    const deleted = await fetch(`${url}?scope=galaxy`, { method: "DELETE" });
    expect([deleted.status, (await readJson(deleted)).error.split(":")[0]]).toEqual([400, "scope"]);
    expect((await fetch(`${url}?scope=user`, { method: "DELETE" })).status).toBe(400);
    expect(await fetchJson(url)).toEqual({ limits: [] });
  });

  it("a hard budget used up refuses the user's next run with 429 token_limit_exceeded and Retry-After to the next month; others still run", async () => {
    await fetch(`${runtime.url}/v1/_limits`, json("PUT", { scope: "user", scope_id: "hugo", hard_limit: 50 }));
    const first = await run(runtime, { user_id: "hugo" });
    expect(first.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "end_turn" } });
    // The run that crossed the hard budget goes on to its end; it says so once.
    expect(first.filter((frame) => frame.event === "limit").map((frame) => frame.data["limit"])).toEqual([expect.objectContaining({ scope: "user", scope_id: "hugo", severity: "hard", limit: 50 })]);

    const refused = await fetch(`${runtime.url}/v1/runs`, json("POST", { agent: "default", prompt: "more", user_id: "hugo" }));
    expect(refused.status).toBe(429);
    const body = await readJson(refused);
    expect(body.code).toBe("token_limit_exceeded");
    expect(body.error).toContain("user hugo used");
    expect(body.error).toContain("hard monthly budget of 50 tokens");
    expect(Math.abs(Number(refused.headers.get("retry-after")) - secondsToNextMonthUtc(new Date()))).toBeLessThanOrEqual(5);
    expect((await fetchJson(`${runtime.url}/v1/users/hugo/agents`)).agents).toHaveLength(1);

    const listed = await fetchJson(`${runtime.url}/v1/_limits`);
    expect(listed.limits[0].used).toBeGreaterThanOrEqual(50);
    expect((await run(runtime, { user_id: "ivan" })).at(-1)?.event).toBe("done");

    await fetch(`${runtime.url}/v1/_limits?scope=user&scope_id=hugo`, { method: "DELETE" });
    expect((await run(runtime, { user_id: "hugo" })).at(-1)?.event).toBe("done");
  });

  it("a soft budget adds exactly one `limit` event to the run that reaches it, and one before `started` to each later run", async () => {
    await fetch(`${runtime.url}/v1/_limits`, json("PUT", { scope: "user", scope_id: "sara", soft_limit: 1 }));
    const crossing = await run(runtime, { user_id: "sara" });
    expect(crossing.filter((frame) => frame.event === "usage")).toHaveLength(3);
    const limits = crossing.filter((frame) => frame.event === "limit");
    expect(limits).toHaveLength(1);
    expect(limits[0]?.data).toMatchObject({ type: "limit", limit: { scope: "user", scope_id: "sara", severity: "soft", window: "month", limit: 1 } });
    const events = crossing.map((frame) => frame.event);
    expect(events.indexOf("limit")).toBe(events.indexOf("usage") + 1);
    expect(crossing.at(-1)).toMatchObject({ event: "done", data: { stop_reason: "end_turn" } });

    const later = await run(runtime, { user_id: "sara" });
    expect(later.map((frame) => frame.event).slice(0, 4)).toEqual(["session", "agent", "limit", "started"]);
    expect(later.filter((frame) => frame.event === "limit")).toHaveLength(1);
    expect(later.at(-1)?.event).toBe("done");
    await fetch(`${runtime.url}/v1/_limits?scope=user&scope_id=sara`, { method: "DELETE" });
  });

  it("a tenant hard budget refuses every user of the tenant until it is deleted", async () => {
    await fetch(`${runtime.url}/v1/_limits`, json("PUT", { scope: "tenant", soft_limit: 1, hard_limit: 1 }));
    for (const user of ["xena", undefined]) {
      const refused = await fetch(`${runtime.url}/v1/runs`, json("POST", { agent: "default", prompt: "hi", ...(user ? { user_id: user } : {}) }));
      expect([refused.status, (await readJson(refused)).code]).toEqual([429, "token_limit_exceeded"]);
    }
    await fetch(`${runtime.url}/v1/_limits?scope=tenant`, { method: "DELETE" });
    expect((await run(runtime, { user_id: "xena" })).at(-1)?.event).toBe("done");
  });
});
