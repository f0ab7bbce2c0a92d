import { describe, expect, it, vi } from "vitest";
import type { Hook } from "../../domain/index.ts";
import { createToolHooks } from "./hook-chain.ts";
import type { HookCaller, HookPayload } from "./tool-hooks.ts";

function hook(fields: Partial<Hook> & Pick<Hook, "name" | "phase">): Hook {
  return {
    id: `hook_${fields.name}`,
    tenant_id: "default",
    owner: "acme",
    agents: [],
    tools: [],
    callback_url: "https://hooks.example/cb",
    fail_mode: "open",
    timeout_ms: 5000,
    registered_at: new Date(0),
    ...fields,
  };
}

const run = { agent: "scripted", userId: "u1", agentId: "agt_1" };
const call = { id: "toolu_1", name: "HTTP", input: { url: "https://a.example/" } };
const signal = new AbortController().signal;

/** A chain whose callbacks answer from a table keyed by hook name (a function answers per payload; an Error is thrown). */
function chain(hooks: Hook[], answers: Record<string, unknown>, secretValues: string[] = []): { hooks: ReturnType<typeof createToolHooks>; payloads: HookPayload[] } {
  const payloads: HookPayload[] = [];
  const caller: HookCaller = async (target, payload) => {
    payloads.push(payload);
    const answer = answers[target.name];
    if (answer instanceof Error) throw answer;
    return typeof answer === "function" ? (answer as (p: HookPayload) => unknown)(payload) : answer;
  };
  const select = async (phase: string): Promise<Hook[]> => hooks.filter((candidate) => candidate.phase === phase);
  return { hooks: createToolHooks({ select, run, secretValues }, caller), payloads };
}

describe("the hook chain", () => {
  it("sends the loomcycle payload and lets the call run on allow (or an empty answer)", async () => {
    const { hooks, payloads } = chain([hook({ name: "a", phase: "pre" }), hook({ name: "b", phase: "pre" })], { a: { decision: "allow" }, b: null });
    expect(await hooks.before(call, signal)).toEqual({ kind: "run", input: call.input });
    expect(payloads[0]).toEqual({ phase: "pre", owner: "acme", hook_name: "a", agent: "scripted", user_id: "u1", agent_id: "agt_1", tool_call: call });
  });

  it("stops at a deny with the hook's text, and later hooks are not asked", async () => {
    const { hooks, payloads } = chain([hook({ name: "a", phase: "pre" }), hook({ name: "b", phase: "pre" })], { a: { decision: "deny", text: "not on Sundays" }, b: {} });
    expect(await hooks.before(call, signal)).toEqual({ kind: "refuse", result: { text: "not on Sundays", is_error: true } });
    expect(payloads).toHaveLength(1);
  });

  it("passes a modified input down the chain and to the tool", async () => {
    const second = vi.fn((payload: HookPayload) => ({ decision: "modify", input: { ...payload.tool_call.input, b: 2 } }));
    const { hooks } = chain([hook({ name: "a", phase: "pre" }), hook({ name: "b", phase: "pre" })], { a: { decision: "modify", input: { a: 1 } }, b: second });
    expect(await hooks.before(call, signal)).toEqual({ kind: "run", input: { a: 1, b: 2 } });
    expect(second.mock.calls[0]?.[0].tool_call.input).toEqual({ a: 1 });
  });

  it("rewrites the result in post hooks, each seeing the previous one's", async () => {
    const { hooks, payloads } = chain([hook({ name: "a", phase: "post" }), hook({ name: "b", phase: "post" })], { a: { result: { text: "one", is_error: false } }, b: {} });
    expect(await hooks.after(call, { text: "raw", is_error: false }, signal)).toEqual({ text: "one", is_error: false });
    expect(payloads.map((payload) => payload.tool_result?.text)).toEqual(["raw", "one"]);
  });

  it("fail open: an erroring or garbage-answering hook is skipped", async () => {
    const hooks = [hook({ name: "dead", phase: "pre" }), hook({ name: "garbage", phase: "pre" }), hook({ name: "bad-post", phase: "post" })];
    const { hooks: chained } = chain(hooks, { dead: new Error("connect ECONNREFUSED"), garbage: { decision: "maybe" }, "bad-post": [1] });
    expect(await chained.before(call, signal)).toEqual({ kind: "run", input: call.input });
    expect(await chained.after(call, { text: "raw", is_error: false }, signal)).toEqual({ text: "raw", is_error: false });
  });

  it("fail closed: the call fails with a result naming the hook and why", async () => {
    const { hooks } = chain([hook({ name: "dead", phase: "pre", fail_mode: "closed" })], { dead: new Error("request timed out after 50 ms") });
    expect(await hooks.before(call, signal)).toEqual({
      kind: "refuse",
      result: { text: "pre hook acme/dead failed (request timed out after 50 ms); its fail_mode is closed, so the tool was not run", is_error: true },
    });
    const post = chain([hook({ name: "junk", phase: "post", fail_mode: "closed" })], { junk: { result: { text: 3 } } }).hooks;
    expect(await post.after(call, { text: "raw", is_error: false }, signal)).toMatchObject({ is_error: true, text: expect.stringContaining("post hook acme/junk failed (result must be") });
  });

  it("stops the call when the hooks cannot be read", async () => {
    const hooks = createToolHooks({ select: () => Promise.reject(new Error("store down")), run, secretValues: [] }, vi.fn());
    expect(await hooks.before(call, signal)).toMatchObject({ kind: "refuse", result: { is_error: true, text: expect.stringContaining("could not be read (store down)") } });
  });

  it("masks the run's secret values in payloads", async () => {
    const { hooks, payloads } = chain([hook({ name: "a", phase: "post" })], { a: {} }, ["s3cr3t-value"]);
    await hooks.after({ ...call, input: { h: "x s3cr3t-value" } }, { text: "got s3cr3t-value", is_error: false }, signal);
    expect(JSON.stringify(payloads)).not.toContain("s3cr3t-value");
    expect(payloads[0]?.tool_result?.text).toBe("got [REDACTED]");
  });
});
