import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyRequest } from "fastify";
import { OPEN_PRINCIPAL, newId } from "../../src/domain/index.ts";
import type { Principal } from "../../src/domain/index.ts";
import { allFrames, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime, testAgent } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

/** Tests pick their tenant with a header; the real bearer auth is another helper's. */
async function headerTenant(request: FastifyRequest): Promise<Principal> {
  const tenant = request.headers["x-test-tenant"];
  return { ...OPEN_PRINCIPAL, tenantId: typeof tenant === "string" ? tenant : "default", subject: "tester" };
}

const OWNER = "kubernetes:prod/reviewer@5f1e";
const SCRIPT = [{ tool: "Context", input: { op: "self" } }, { text: "done" }];
const STATIC_PROMPT = "Static scripted prompt.";

type Json = Record<string, unknown>;

describe.each<StoreKind>(["pglite", "postgres"])("definition substrate over HTTP (%s store)", (kind) => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;

  beforeAll(async () => {
    const agents = [...TEST_AGENTS.filter((agent) => agent.name !== "scripted"), testAgent({ name: "scripted", provider: "mock", model: "mock-tools", tools: ["Context"], system_prompt: STATIC_PROMPT })];
    runtime = await startTestRuntime(kind, { agents }, { authenticate: headerTenant });
  });
  afterAll(() => runtime.dispose());

  async function call(path: string, body: unknown, tenant = "acme"): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${runtime.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-test-tenant": tenant }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Json };
  }

  const agentDef = (body: Json, tenant?: string): Promise<{ status: number; body: Json }> => call("/v1/_agentdef", body, tenant);

  /** Runs `agent` for `tenant`; what the run was told (system prompt) and which tools Context op=self reports. */
  async function run(agent: string, tenant = "acme"): Promise<{ frames: SseFrame[]; systemPrompt: unknown; tools: unknown; status: number }> {
    const response = await postSse(`${runtime.url}/v1/runs`, { agent, prompt: "go", metadata: { mock_script: SCRIPT } }, { "x-test-tenant": tenant });
    const frames = await allFrames(response);
    const sessionId = String(frames.find((frame) => frame.event === "session")?.data["text"]);
    const transcript = (await (await fetch(`${runtime.url}/v1/sessions/${sessionId}/transcript`, { headers: { "x-test-tenant": tenant } })).json()) as Json;
    const events = (transcript["events"] ?? []) as { type: string; event: Json }[];
    const systemPrompt = events.find((event) => event.type === "system_prompt")?.event["system_prompt"];
    const result = frames.find((frame) => frame.event === "tool_result");
    const tools = result === undefined ? undefined : (JSON.parse(String(result.data["text"])) as Json)["tools"];
    return { frames, systemPrompt, tools, status: response.status };
  }

  it("creates an agent, forks it with fewer tools, activates the fork and runs it", async () => {
    const overlay = { provider: "mock", model: "mock-tools", system_prompt: "You write v1.", tools: ["Context", "Memory"] };
    const created = await agentDef({ op: "create", name: "writer", overlay });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: "writer", version: 1, active: true, parent_def_id: null, source: "api", created_by: "tester" });
    expect((await run("writer")).tools).toEqual(["Context", "Memory"]);

    const fork = await agentDef({ op: "fork", name: "writer", overlay: { tools: ["Context"], system_prompt: "You write v2." } });
    expect(fork.body).toMatchObject({ version: 2, active: false, parent_def_id: created.body["def_id"] });
    expect((await run("writer")).systemPrompt).toBe("You write v1.");

    expect((await agentDef({ op: "activate", def_id: fork.body["def_id"] })).body).toMatchObject({ version: 2, active: true });
    const after = await run("writer");
    expect([after.systemPrompt, after.tools, after.frames.at(-1)?.event]).toEqual(["You write v2.", ["Context"], "done"]);

    const runnable = async (tenant: string): Promise<unknown[]> => {
      const body = (await (await fetch(`${runtime.url}/v1/_runnable-agents`, { headers: { "x-test-tenant": tenant } })).json()) as { agents: Json[] };
      return body.agents.filter((agent) => agent["name"] === "writer").map((agent) => [agent["source"], agent["tools"]]);
    };
    expect([await runnable("acme"), await runnable("beta")]).toEqual([[["definition", ["Context"]]], []]);

    const list = await agentDef({ op: "list", name: "writer" });
    expect((list.body["versions"] as Json[]).map((version) => [version["version"], version["active"]])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it("refuses a fork that adds a tool, naming it, and accepts one a glob covers", async () => {
    await agentDef({ op: "create", name: "globber", overlay: { provider: "mock", model: "mock-echo", tools: ["Context", "mcp__docs__*"] } });
    const widened = await agentDef({ op: "fork", name: "globber", overlay: { tools: ["Context", "Bash", "mcp__git__log"] } });
    expect(widened.status).toBe(422);
    expect(widened.body["code"]).toBe("tool_refused");
    expect(widened.body["error"]).toBe('a fork of agent "globber" may only narrow its tools; it adds Bash, mcp__git__log, which version 1 does not grant (its tools: Context, mcp__docs__*)');
    expect((await agentDef({ op: "list", name: "globber" })).body["versions"]).toHaveLength(1);
    const narrowed = await agentDef({ op: "fork", name: "globber", overlay: { tools: ["mcp__docs__search"] } });
    expect([narrowed.status, narrowed.body["version"]]).toEqual([200, 2]);
  });

  it("lets an active definition override a static agent, and retire give the name back", async () => {
    expect((await agentDef({ op: "create", name: "scripted", overlay: {} })).body["code"]).toBe("definition_exists");
    const fork = await agentDef({ op: "fork", name: "scripted", overlay: { system_prompt: "Overridden." }, promote: true });
    expect(fork.body).toMatchObject({ version: 1, parent_def_id: null, bootstrapped_from_static: true, active: true });
    expect((await run("scripted")).systemPrompt).toBe("Overridden.");
    expect((await run("scripted", "other")).systemPrompt).toBe(STATIC_PROMPT);

    expect((await agentDef({ op: "retire", def_id: fork.body["def_id"] })).body).toMatchObject({ retired: true, version: 1 });
    expect((await run("scripted")).systemPrompt).toBe(STATIC_PROMPT);
  });

  it("makes a definition-only name unknown again once retired", async () => {
    const created = await agentDef({ op: "create", name: "ephemeral", overlay: { provider: "mock", model: "mock-echo" } });
    await agentDef({ op: "retire", def_id: created.body["def_id"], retired: true });
    const refused = await fetch(`${runtime.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json", "x-test-tenant": "acme" }, body: JSON.stringify({ agent: "ephemeral", prompt: "hi" }) });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as Json)["code"]).toBe("unknown_agent");
  });

  it("verifies by content hash, and stops matching after a change is promoted", async () => {
    const created = await agentDef({ op: "create", name: "hashed", overlay: { provider: "mock", model: "mock-echo", system_prompt: "A" } });
    const sha = created.body["content_sha256"];
    expect((await agentDef({ op: "verify", name: "hashed", content_sha256: sha })).body).toEqual({ matches: true, current_sha256: sha, current_def_id: created.body["def_id"], version: 1 });
    const changed = await agentDef({ op: "fork", name: "hashed", overlay: { system_prompt: "B" }, promote: true });
    const verified = await agentDef({ op: "verify", name: "hashed", content_sha256: sha });
    expect(verified.body).toEqual({ matches: false, current_sha256: changed.body["content_sha256"], current_def_id: changed.body["def_id"], version: 2 });
    expect(changed.body["content_sha256"]).not.toBe(sha);
  });

  it("hashes content only: field order and ACL fields do not change the address", async () => {
    const a = await agentDef({ op: "create", name: "order-a", overlay: { model: "mock-echo", provider: "mock" } });
    const b = await agentDef({ op: "fork", name: "order-a", overlay: { skills: ["x/*"], agent_def_scopes: ["self"] } });
    expect(b.body["content_sha256"]).toBe(a.body["content_sha256"]);
  });

  it("refuses API writes to a kubernetes-owned definition with 409 naming the owner", async () => {
    const store = runtime.store.definitions;
    const applied = await store.apply({ def_id: newId("def"), tenant_id: "acme", kind: "agent", name: "reviewer", source: "kubernetes", owner_ref: OWNER, by: "controller", definition: { name: "reviewer", provider: "mock", model: "mock-echo", tools: ["Context"] }, content_sha256: "k", created_by_agent_id: null, created_by_run_id: null });
    const attempts = [
      await agentDef({ op: "fork", name: "reviewer", overlay: { tools: [] } }),
      await agentDef({ op: "retire", def_id: applied.record.def_id }),
      await agentDef({ op: "promote", def_id: applied.record.def_id }),
    ];
    for (const attempt of attempts) {
      expect([attempt.status, attempt.body["code"]]).toEqual([409, "definition_owned"]);
      expect(attempt.body["error"]).toContain(`owned by ${OWNER}`);
    }
  });

  it("answers another tenant's definition with the same 404 as a missing one", async () => {
    const mine = await agentDef({ op: "create", name: "secret-agent", overlay: { provider: "mock", model: "mock-echo", system_prompt: "tenant A only" } });
    const defId = String(mine.body["def_id"]);
    const theirs = await agentDef({ op: "get", def_id: defId }, "beta");
    const missing = await agentDef({ op: "get", def_id: "def_missing" }, "beta");
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual({ ...missing.body, error: missing.body["error"]?.toString().replace("def_missing", defId) });
    for (const op of [{ op: "retire", def_id: defId }, { op: "promote", def_id: defId }, { op: "fork", parent_def_id: defId }]) expect((await agentDef(op, "beta")).status).toBe(404);
    expect((await agentDef({ op: "list", name: "secret-agent" }, "beta")).body).toEqual({ name: "secret-agent", versions: [] });
    expect((await agentDef({ op: "verify", name: "secret-agent", content_sha256: mine.body["content_sha256"] }, "beta")).body["matches"]).toBe(false);
    const names = (await (await fetch(`${runtime.url}/v1/_agentdef/names`, { headers: { "x-test-tenant": "beta" } })).json()) as Json;
    expect(names).toEqual({ names: [] });
    const refused = await fetch(`${runtime.url}/v1/runs`, { method: "POST", headers: { "content-type": "application/json", "x-test-tenant": "beta" }, body: JSON.stringify({ agent: "secret-agent", prompt: "hi" }) });
    expect(refused.status).toBe(400);
  });

  it("lists names with their versions and active version", async () => {
    await agentDef({ op: "create", name: "named", overlay: {} }, "gamma");
    await agentDef({ op: "fork", name: "named", overlay: { description: "two" } }, "gamma");
    const names = (await (await fetch(`${runtime.url}/v1/_agentdef/names`, { headers: { "x-test-tenant": "gamma" } })).json()) as Json;
    expect(names["names"]).toEqual([expect.objectContaining({ name: "named", versions: 2, latest_version: 2, active_version: 1, active_retired: false, source: "api" })]);
  });

  it("refuses bad input with a 400 naming the field", async () => {
    const cases: [Json, string][] = [
      [{ op: "create", name: "bad", overlay: { tools: "Context" } }, "overlay.tools"],
      [{ op: "create", name: "bad", overlay: { toolz: [] } }, "overlay.toolz"],
      [{ op: "create", name: "bad", overlay: { name: "other" } }, "overlay.name"],
      [{ op: "create", overlay: {} }, "name"],
      [{ op: "get" }, "def_id"],
      [{ op: "verify", name: "x", content_sha256: "nothex" }, "content_sha256"],
      [{ op: "create", name: "bad", tenant_id: "beta" }, "tenant_id"],
      [{ op: "explode" }, "op"],
      [{ op: "create", name: "../etc" }, "name"],
    ];
    for (const [body, field] of cases) {
      const answer = await agentDef(body);
      expect([answer.status, answer.body["code"], String(answer.body["error"]).split(":")[0]]).toEqual([400, "invalid_argument", field]);
    }
    expect((await agentDef({ op: "create", name: "twice", overlay: {} })).status).toBe(200);
    expect((await agentDef({ op: "create", name: "twice", overlay: {} })).body).toEqual({
      code: "definition_exists",
      error: 'agent definition "twice" already exists (versions 1-1); use op=fork to add a version',
    });
  });

  it("stores, versions and lists the kinds whose runtime is not built yet", async () => {
    const overlay = { agent: "writer", prompt: "daily digest", schedule: "0 9 * * *" };
    const created = await call("/v1/_scheduledef", { op: "create", name: "digest", overlay });
    expect(created.body).toMatchObject({ kind: "schedule", version: 1, active: true, definition: { ...overlay, timezone: "UTC", enabled: true } });
    const fork = await call("/v1/_scheduledef", { op: "fork", name: "digest", overlay: { enabled: false } });
    expect(fork.body).toMatchObject({ version: 2, active: true });
    const webhook = await call("/v1/_webhookdef", { op: "create", name: "hook", overlay: { delivery: "spawn", auth: { kind: "hmac" } } });
    expect([webhook.status, webhook.body["error"]]).toEqual([400, "overlay: delivery `spawn` needs `agent`; delivery `channel` needs `channel`"]);
    for (const path of ["_skilldef", "_mcpserverdef", "_webhookdef", "_memorybackenddef", "_a2aagentdef", "_a2aservercarddef"]) {
      expect((await fetch(`${runtime.url}/v1/${path}/names`)).status).toBe(200);
    }
  });
});
