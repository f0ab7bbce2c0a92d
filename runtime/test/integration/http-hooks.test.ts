import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allFrames, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime, testAgent } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

type Runtime = Awaited<ReturnType<typeof startTestRuntime>>;

/** A local server: the hook callbacks (by path) and the HTTP tool's target, recording what it gets. */
interface Local {
  server: Server;
  base: string;
  payloads: Record<string, unknown[]>;
  targetPaths: string[];
}

const CALLBACKS: Record<string, (payload: any, response: ServerResponse) => void> = {
  "/deny": (_payload, response) => json(response, { decision: "deny", text: "the payments API is closed on Sundays" }),
  "/allow": (_payload, response) => json(response, { decision: "allow" }),
  "/modify": (payload, response) => json(response, { decision: "modify", input: { ...payload.tool_call.input, url: payload.tool_call.input.url.replace("/original", "/rewritten") } }),
  "/rewrite": (payload, response) => json(response, { result: { text: `audited: ${payload.tool_result.is_error ? "error" : "ok"}`, is_error: false } }),
  "/slow": (_payload, response) => void setTimeout(() => json(response, { decision: "deny", text: "too late" }), 1_500),
  "/garbage": (_payload, response) => void response.writeHead(200, { "content-type": "text/plain" }).end("<html>oops</html>"),
};

function json(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function startLocal(): Promise<Local> {
  const local: Local = { server: createServer(), base: "", payloads: {}, targetPaths: [] };
  local.server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? "/";
    if (path.startsWith("/target")) {
      local.targetPaths.push(path);
      return void response.writeHead(200, { "content-type": "text/plain" }).end(`target saw ${path}`);
    }
    if (path.startsWith("/redirect")) return void response.writeHead(307, { location: new URL(path, "http://x").searchParams.get("to") ?? "/" }).end();
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const payload = JSON.parse(body);
      (local.payloads[path] ??= []).push(payload);
      CALLBACKS[path]?.(payload, response);
    });
  });
  await new Promise<void>((resolve) => local.server.listen(0, "127.0.0.1", resolve));
  local.base = `http://127.0.0.1:${(local.server.address() as AddressInfo).port}`;
  return local;
}

/** A port nothing listens on: a dead callback. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const hookedAgent = (name: string) => testAgent({ name, description: "HTTP under hooks", provider: "mock", model: "mock-tools", tools: ["HTTP"], system_prompt: "Follow the script." });
const AGENTS = ["hk-deny", "hk-modify", "hk-post", "hk-open", "hk-closed", "hk-ssrf-open", "hk-ssrf-closed", "hk-other"].map(hookedAgent);

async function register(runtime: Runtime, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${runtime.url}/v1/hooks`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

async function registered(runtime: Runtime, body: Record<string, unknown>): Promise<string> {
  const response = await register(runtime, body);
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

async function runTool(runtime: Runtime, agent: string, url: string): Promise<SseFrame[]> {
  const script = [{ tool: "HTTP", input: { method: "GET", url } }, { text: "done" }];
  return allFrames(await postSse(`${runtime.url}/v1/runs`, { agent, prompt: "go", user_id: "u-7", agent_id: `${agent}-${Date.now()}`, metadata: { mock_script: script } }));
}

const toolResult = (frames: SseFrame[]): Record<string, unknown> | undefined => frames.find((frame) => frame.event === "tool_result")?.data;

describe.each<StoreKind>(["pglite", "postgres"])("the hooks registry on %s", (kind) => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await startTestRuntime(kind, { network: { hostAllowlist: ["*"], privateHostAllowlist: [], searxngUrl: null } });
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("registers, lists in registration order, replaces by (owner, name) and deletes", async () => {
    const first = await registered(runtime, { owner: "acme", name: "audit", phase: "post", callback_url: "https://hooks.example.com/a" });
    const second = await registered(runtime, { owner: "acme", name: "guard", phase: "pre", agents: ["hk-*"], tools: ["HTTP"], callback_url: "https://hooks.example.com/g", fail_mode: "closed", timeout_ms: 250 });
    const again = await registered(runtime, { owner: "acme", name: "audit", phase: "pre", callback_url: "https://hooks.example.com/a2", timeout_ms: 0 });
    expect(again).toBe(first);
    const listed = (await (await fetch(`${runtime.url}/v1/hooks`)).json()) as { hooks: Record<string, unknown>[] };
    expect(listed.hooks).toEqual([
      { id: first, tenant: "default", owner: "acme", name: "audit", phase: "pre", agents: [], tools: [], callback_url: "https://hooks.example.com/a2", fail_mode: "open", timeout_ms: 5000, registered_at: expect.any(String) },
      { id: second, tenant: "default", owner: "acme", name: "guard", phase: "pre", agents: ["hk-*"], tools: ["HTTP"], callback_url: "https://hooks.example.com/g", fail_mode: "closed", timeout_ms: 250, registered_at: expect.any(String) },
    ]);
    expect((await fetch(`${runtime.url}/v1/hooks/${first}`, { method: "DELETE" })).status).toBe(204);
    const missing = await fetch(`${runtime.url}/v1/hooks/${first}`, { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: "not_found", error: `hook ${first} not found` });
    await fetch(`${runtime.url}/v1/hooks/${second}`, { method: "DELETE" });
    expect(await (await fetch(`${runtime.url}/v1/hooks`)).json()).toEqual({ hooks: [] });
  });

  it("refuses the SSRF corpus as callback URLs at registration when the operator allows no private host", async () => {
    const corpus = [
      "http://127.0.0.1:8080/hook",
      "http://localhost/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://0x7f000001/",
      "http://2130706433/",
      "http://0177.0.0.1/",
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/",
    ];
    for (const url of corpus) {
      const response = await register(runtime, { owner: "ssrf", name: "probe", phase: "pre", callback_url: url });
      expect(response.status, url).toBe(400);
      expect(((await response.json()) as { error: string }).error, url).toMatch(/^callback_url: host .* (private or reserved address|non-canonical form)/);
    }
    const hooks = (await (await fetch(`${runtime.url}/v1/hooks`)).json()) as { hooks: { owner: string }[] };
    expect(hooks.hooks.some((hook) => hook.owner === "ssrf")).toBe(false);
  });

  it.each([
    [{ name: "n", phase: "pre", callback_url: "https://h.example/" }, "owner"],
    [{ owner: "o", name: "n", phase: "middle", callback_url: "https://h.example/" }, "phase"],
    [{ owner: "o", name: "n", phase: "pre" }, "callback_url"],
    [{ owner: "o", name: "n", phase: "pre", callback_url: "ftp://h.example/" }, "callback_url"],
    [{ owner: "o", name: "n", phase: "pre", callback_url: "https://h.example/", fail_mode: "sometimes" }, "fail_mode"],
    [{ owner: "o", name: "n", phase: "pre", callback_url: "https://h.example/", timeout_ms: 60_000 }, "timeout_ms"],
    [{ owner: "o", name: "n", phase: "pre", callback_url: "https://h.example/", agents: ["a*b"] }, "agents[0]"],
    [{ owner: "o", name: "n", phase: "pre", callback_url: "https://h.example/", extra: 1 }, "extra"],
  ])("refuses %j with a 400 naming %s", async (body, field) => {
    const response = await register(runtime, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(new RegExp(`^${field.replace(/[[\]]/g, "\\$&")}: `));
  });
});

describe("hooks around tool calls", () => {
  let runtime: Runtime;
  let local: Local;
  beforeAll(async () => {
    local = await startLocal();
    runtime = await startTestRuntime("pglite", {
      agents: [...TEST_AGENTS, ...AGENTS],
      network: { hostAllowlist: ["127.0.0.1"], privateHostAllowlist: ["127.0.0.1"], searxngUrl: null },
    });
  });
  afterAll(async () => {
    await runtime?.dispose();
    await new Promise((resolve) => local.server.close(resolve));
  });

  it("a pre hook that denies: the model gets its text as an error result and the tool never runs", async () => {
    await registered(runtime, { owner: "acme", name: "deny", phase: "pre", agents: ["hk-deny"], tools: ["HTTP"], callback_url: `${local.base}/deny` });
    const before = local.targetPaths.length;
    const frames = await runTool(runtime, "hk-deny", `${local.base}/target/deny`);
    expect(toolResult(frames)).toMatchObject({ text: "the payments API is closed on Sundays", is_error: true });
    expect(local.targetPaths.length).toBe(before);
    expect(frames.at(-1)?.data).toMatchObject({ type: "done" });
  });

  it("a pre hook that modifies the input: the tool runs with the new input; the payload is loomcycle's", async () => {
    await registered(runtime, { owner: "acme", name: "modify", phase: "pre", agents: ["hk-modify"], tools: ["HT*"], callback_url: `${local.base}/modify` });
    const frames = await runTool(runtime, "hk-modify", `${local.base}/target/original`);
    expect(local.targetPaths).toContain("/target/rewritten");
    expect(local.targetPaths).not.toContain("/target/original");
    expect(toolResult(frames)).toMatchObject({ is_error: false, text: expect.stringContaining("target saw /target/rewritten") });
    const call = frames.find((frame) => frame.event === "tool_call")?.data as { tool_use?: { id: string } } | undefined;
    expect(local.payloads["/modify"]?.at(-1)).toEqual({
      phase: "pre",
      owner: "acme",
      hook_name: "modify",
      agent: "hk-modify",
      user_id: "u-7",
      agent_id: expect.stringMatching(/^hk-modify-/),
      tool_call: { id: call?.tool_use?.id ?? expect.any(String), name: "HTTP", input: { method: "GET", url: `${local.base}/target/original` } },
    });
  });

  it("a post hook rewrites the result the model and the event log see; hooks for other agents or tools stay out", async () => {
    await registered(runtime, { owner: "acme", name: "rewrite", phase: "post", agents: ["hk-post"], callback_url: `${local.base}/rewrite` });
    await registered(runtime, { owner: "acme", name: "not-mine", phase: "pre", agents: ["hk-post"], tools: ["WebFetch"], callback_url: `${local.base}/deny` });
    const frames = await runTool(runtime, "hk-post", `${local.base}/target/post`);
    expect(toolResult(frames)).toMatchObject({ text: "audited: ok", is_error: false });
    expect(local.payloads["/rewrite"]?.at(-1)).toMatchObject({ phase: "post", tool_result: { is_error: false, text: expect.stringContaining("target saw /target/post") } });
    const other = await runTool(runtime, "hk-other", `${local.base}/target/other`);
    expect(toolResult(other)).toMatchObject({ is_error: false, text: expect.stringContaining("target saw /target/other") });
  });

  it("fail open: a dead, a slow and a garbage-answering callback let the call proceed unchanged", async () => {
    const port = await deadPort();
    await registered(runtime, { owner: "acme", name: "open-dead", phase: "pre", agents: ["hk-open"], callback_url: `http://127.0.0.1:${port}/` });
    await registered(runtime, { owner: "acme", name: "open-slow", phase: "pre", agents: ["hk-open"], callback_url: `${local.base}/slow`, timeout_ms: 150 });
    await registered(runtime, { owner: "acme", name: "open-garbage", phase: "post", agents: ["hk-open"], callback_url: `${local.base}/garbage` });
    const frames = await runTool(runtime, "hk-open", `${local.base}/target/open`);
    expect(toolResult(frames)).toMatchObject({ is_error: false, text: expect.stringContaining("target saw /target/open") });
  });

  it("fail closed: a dead or slow callback fails the call with a result saying the hook failed", async () => {
    const port = await deadPort();
    const dead = await registered(runtime, { owner: "acme", name: "closed-dead", phase: "pre", agents: ["hk-closed"], callback_url: `http://127.0.0.1:${port}/`, fail_mode: "closed" });
    const before = local.targetPaths.length;
    const deadFrames = await runTool(runtime, "hk-closed", `${local.base}/target/closed`);
    expect(toolResult(deadFrames)).toMatchObject({ is_error: true, text: expect.stringMatching(/^pre hook acme\/closed-dead failed \(request failed: .*ECONNREFUSED.*\); its fail_mode is closed, so the tool was not run$/) });
    await fetch(`${runtime.url}/v1/hooks/${dead}`, { method: "DELETE" });
    await registered(runtime, { owner: "acme", name: "closed-slow", phase: "pre", agents: ["hk-closed"], callback_url: `${local.base}/slow`, fail_mode: "closed", timeout_ms: 150 });
    const slowFrames = await runTool(runtime, "hk-closed", `${local.base}/target/closed`);
    expect(toolResult(slowFrames)).toMatchObject({ is_error: true, text: expect.stringContaining("pre hook acme/closed-slow failed (request timed out after 150 ms)") });
    expect(local.targetPaths.length).toBe(before);
  });

  it("refuses a callback that redirects to a private address when called (closed fails the call, open proceeds)", async () => {
    const toMetadata = `${local.base}/redirect?to=${encodeURIComponent("http://169.254.169.254/latest/meta-data/")}`;
    const port = new URL(local.base).port;
    const toLocalhost = `${local.base}/redirect?to=${encodeURIComponent(`http://localhost:${port}/allow`)}`;
    await registered(runtime, { owner: "acme", name: "ssrf-closed", phase: "pre", agents: ["hk-ssrf-closed"], callback_url: toMetadata, fail_mode: "closed" });
    const closed = await runTool(runtime, "hk-ssrf-closed", `${local.base}/target/ssrf`);
    expect(toolResult(closed)).toMatchObject({ is_error: true, text: expect.stringContaining("169.254.169.254 is a private or reserved address") });
    await registered(runtime, { owner: "acme", name: "ssrf-closed", phase: "pre", agents: ["hk-ssrf-closed"], callback_url: toLocalhost, fail_mode: "closed" });
    const named = await runTool(runtime, "hk-ssrf-closed", `${local.base}/target/ssrf`);
    expect(toolResult(named)).toMatchObject({ is_error: true, text: expect.stringContaining("host localhost resolves to") });
    expect(local.payloads["/allow"]).toBeUndefined();
    await registered(runtime, { owner: "acme", name: "ssrf-open", phase: "pre", agents: ["hk-ssrf-open"], callback_url: toMetadata });
    const open = await runTool(runtime, "hk-ssrf-open", `${local.base}/target/ssrf-open`);
    expect(toolResult(open)).toMatchObject({ is_error: false, text: expect.stringContaining("target saw /target/ssrf-open") });
  });
});
