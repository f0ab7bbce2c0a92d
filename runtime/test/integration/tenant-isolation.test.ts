import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFINITION_KINDS } from "../../src/domain/index.ts";
import type { Agent, DefinitionKind } from "../../src/domain/index.ts";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm } from "../fake-llm/index.ts";
import { mint } from "../support/auth-client.ts";
import { mcpTenantCases } from "../support/mcp-client.ts";
import { openSse, postSse } from "../support/sse-client.ts";
import type { SseFrame, SseResponse } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime, testAgent } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

/**
 * The cross-tenant matrix (issue 5, "Done when"): tenant B's bearer token against every route
 * that exists, aimed at tenant A's runs, sessions, interrupts, evaluations, memory, channels,
 * hooks, definitions, budgets and tokens. Each by-id route must answer B with a 404 whose body
 * equals the one for an id that does not exist (ids aside), and each list must leave A's rows
 * out. A route with no case here fails the enumeration test, so a new route cannot skip the matrix.
 *
 * Principals are real minted tokens (POST /v1/_operatortokendef with the shared admin token):
 * `substrate:tenant` for alice in A and bob in B, and a `substrate:admin` token in B for the
 * super-admin focus case (minted last: the first admin token turns the shared token off).
 */

const A = { tenant: "acme", subject: "alice", token: "acme-alice" };
const B = { tenant: "globex", subject: "bob", token: "globex-bob" };
const SHARED = "tenant-matrix-shared-token-0123456789";

const asker: Agent = testAgent({
  name: "asker",
  description: "asks its human before it acts",
  provider: "mock",
  model: "mock-tools",
  tools: ["Interruption"],
  interruption: { enabled: true, max_pending: 2 },
  system_prompt: "Ask first.",
});

/** One valid definition of each kind, seeded in tenant A (the agent one is also runnable: see _runnable-agents). */
const DEFINITIONS: Record<DefinitionKind, { name: string; overlay: Record<string, unknown> }> = {
  agent: { name: "acme-writer", overlay: { provider: "mock", model: "mock-tools", system_prompt: "acme", tools: ["Context"] } },
  skill: { name: "acme-skill", overlay: { description: "acme's playbook", body: "Deploy acme on Fridays." } },
  mcpserver: { name: "acme-mcp", overlay: { transport: "http", url: "https://mcp.acme.example/mcp" } },
  schedule: { name: "acme-nightly", overlay: { agent: "default", prompt: "acme nightly report", schedule: "0 3 * * *", enabled: false } },
  webhook: { name: "acme-hook", overlay: { delivery: "channel", channel: "acme-news", auth: { kind: "hmac", signing_secret_env: "LOOMCYCLE_ACME_SECRET" } } },
  memorybackend: { name: "acme-memory", overlay: { kind: "remote", config: { base_url: "https://memory.acme.example" } } },
  a2aagent: { name: "acme-peer", overlay: { agent_card_url: "https://a2a.acme.example/.well-known/agent.json" } },
  a2aservercard: { name: "acme-card", overlay: { exposed_agents: [{ agent_name: "default", skill_id: "echo" }] } },
};

interface Reply {
  status: number;
  /** Wire JSON, asserted field by field. */
  body: any;
}

/** A client acting as one principal (its bearer token, minted in beforeAll); JSON in, JSON (or text) out. */
function client(base: () => string, token: () => string): (method: string, path: string, body?: unknown) => Promise<Reply> {
  return async (method, path, body) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token()}`,
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    };
    const response = await fetch(`${base()}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      // not JSON (a 204, metrics text): keep the text
    }
    return { status: response.status, body: parsed };
  };
}

/** The body with each id replaced by a placeholder, so a foreign id's answer compares with a missing id's. */
function normalized(reply: Reply, ids: readonly string[]): { status: number; body: string } {
  let body = JSON.stringify(reply.body);
  ids.forEach((id, index) => {
    body = body.replaceAll(id, `<id${index}>`);
  });
  return { status: reply.status, body };
}

/** 404, and exactly the body a missing id gets: nothing tells "exists elsewhere" from "does not exist". */
function expectOpaque404(foreign: { reply: Reply; ids: readonly string[] }, missing: { reply: Reply; ids: readonly string[] }): void {
  expect(foreign.reply.status).toBe(404);
  expect(normalized(foreign.reply, foreign.ids)).toEqual(normalized(missing.reply, missing.ids));
}

/** The distinct tenants of a usage report grouped by tenant (rows split per currency too). */
function tenantsOf(reply: Reply): string[] {
  return [...new Set<string>(reply.body.rows.map((row: { tenant: string }) => row.tenant))];
}

/** A seeded definition of tenant A, as A's create answered it. */
interface SeededDefinition {
  defId: string;
  sha: string;
  view: Record<string, unknown>;
}

/** What tenant A owns, made through A's own principal before the matrix runs. */
interface Seed {
  runId: string;
  sessionId: string;
  agentId: string;
  askerRunId: string;
  askerAgentId: string;
  interruptId: string;
  hookId: string;
  askerStream: SseResponse;
  defs: Record<DefinitionKind, SeededDefinition>;
  /** A's budgets as GET /v1/_limits listed them right after they were set. */
  limits: Record<string, unknown>[];
}

async function readUntil(stream: SseResponse, event: string): Promise<SseFrame> {
  for (let next = await stream.frames.next(); next.done !== true; next = await stream.frames.next()) {
    if (next.value.event === event) return next.value;
  }
  throw new Error(`stream ended before ${event}`);
}

/** A budget without its month-to-date usage (what B must never change). */
function budgetOf(limit: Record<string, unknown>): Record<string, unknown> {
  const { used: _used, ...rest } = limit;
  return rest;
}

describe.each<StoreKind>(["pglite", "postgres"])("tenant isolation (%s store)", (kind) => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  /** Serves the embeddings, so memory search really searches (and a leak would show). */
  let fake: FakeLlm;
  const base = (): string => runtime.url;
  const tokens = { a: "", b: "", admin: "" };
  const a = client(base, () => tokens.a);
  const b = client(base, () => tokens.b);
  const seed = { defs: {} } as Seed;

  /** The three principals, all minted with the shared admin token; the admin last, as it turns the shared token off. */
  async function mintPrincipals(): Promise<void> {
    const issue = (who: { tenant: string; subject: string; token: string }, scope: string): Promise<string> =>
      mint({ base: base(), admin: SHARED, name: who.token, scopes: [scope], tenant: who.tenant, subject: who.subject });
    tokens.a = await issue(A, "substrate:tenant");
    tokens.b = await issue(B, "substrate:tenant");
    tokens.admin = await issue({ ...B, token: "globex-admin" }, "substrate:admin");
  }

  async function seedDefinitionsAndLimits(): Promise<void> {
    for (const defKind of DEFINITION_KINDS) {
      const { name, overlay } = DEFINITIONS[defKind];
      const def = await a("POST", `/v1/_${defKind}def`, { op: "create", name, overlay });
      expect(def.status, `${defKind}: ${JSON.stringify(def.body)}`).toBe(200);
      seed.defs[defKind] = { defId: def.body.def_id, sha: def.body.content_sha256, view: def.body };
    }
    expect((await a("PUT", "/v1/_limits", { scope: "tenant", soft_limit: 900_000_000, hard_limit: 1_000_000_000 })).status).toBe(200);
    expect((await a("PUT", "/v1/_limits", { scope: "user", scope_id: "alice", hard_limit: 500_000_000 })).status).toBe(200);
    seed.limits = (await a("GET", "/v1/_limits")).body.limits;
    expect(seed.limits).toHaveLength(2);
  }

  beforeAll(async () => {
    fake = await startFakeLlm();
    runtime = await startTestRuntime(kind, {
      agents: [...TEST_AGENTS, asker],
      auth: { token: SHARED, pepper: "tenant-matrix", rotationGraceSeconds: 0 },
      memory: { embedder: { provider: "fake", baseUrl: fake.baseUrl("openai"), model: "bow-64", apiKeyEnv: null, dimensions: null } },
    });
    await mintPrincipals();
    // The body's tenant_id and user_id are not the principal's: both must be ignored.
    const run = await a("POST", "/v1/runs", { agent: "default", prompt: "hello from acme", agent_id: "acme-handle", user_id: "mallory", tenant_id: B.tenant });
    expect(run.status).toBe(200);
    Object.assign(seed, { runId: run.body.run_id, sessionId: run.body.session_id, agentId: run.body.agent_id });
    const script = [{ tool: "Interruption", input: { op: "ask", question: "Deploy acme?" } }, { text: "done" }];
    seed.askerStream = await postSse(`${base()}/v1/runs`, { agent: "asker", prompt: "go", agent_id: "acme-asker", metadata: { mock_script: script } }, { authorization: `Bearer ${tokens.a}` });
    const agentFrame = await readUntil(seed.askerStream, "agent");
    Object.assign(seed, { askerRunId: String(agentFrame.data["run_id"]), askerAgentId: String(agentFrame.data["agent_id"]) });
    const pending = await readUntil(seed.askerStream, "interruption_pending");
    seed.interruptId = String((pending.data["interruption"] as Record<string, unknown>)["interrupt_id"]);
    expect((await a("POST", `/v1/runs/${seed.runId}/evaluations`, { score: 0.7, dimensions: {} })).status).toBe(201);
    expect((await a("PUT", "/v1/_memory/scopes/user/alice/keys/plan?embed=true", { value: "acme secret plan" })).status).toBe(200);
    expect((await a("POST", "/v1/_channels", { name: "acme-news" })).status).toBe(201);
    expect((await a("POST", "/v1/_channels", { name: "acme-private" })).status).toBe(201);
    expect((await a("POST", "/v1/_channels", { name: "acme-inbox", scope: "user" })).status).toBe(201);
    expect((await a("POST", "/v1/_channels/acme-news/publish", { payload: "acme headline" })).status).toBe(200);
    expect((await a("POST", "/v1/users/alice/channels/acme-inbox/publish", { payload: "for alice" })).status).toBe(200);
    const hook = await a("POST", "/v1/hooks", { owner: "acme", name: "audit", phase: "pre", callback_url: "https://hooks.example.com/acme" });
    seed.hookId = hook.body.id;
    await seedDefinitionsAndLimits();
  }, 60_000);

  afterAll(async () => {
    if (seed.interruptId) await a("POST", `/v1/runs/${seed.askerRunId}/interrupts/${seed.interruptId}/resolve`, { answer: "no" });
    await runtime?.dispose();
    await fake?.close();
  });

  it("stamps A's run with A's tenant and the token's subject, whatever the body said", async () => {
    expect((await a("GET", "/v1/_me")).body).toMatchObject({ tenant_id: A.tenant, subject: A.subject, scopes: ["substrate:tenant"], is_admin: false });
    expect((await a("GET", `/v1/runs/${seed.runId}`)).body).toMatchObject({ run_id: seed.runId, user_id: "alice", status: "completed" });
    expect((await b("GET", `/v1/runs/${seed.runId}`)).status).toBe(404);
  });

  /** One case per route: B against A's rows. */
  const CASES: Record<string, () => Promise<void>> = {
    "POST /v1/runs": async () => {
      const send = (sessionId: string): Promise<Reply> => b("POST", "/v1/runs", { agent: "default", prompt: "x", session_id: sessionId });
      expectOpaque404({ reply: await send(seed.sessionId), ids: [seed.sessionId] }, { reply: await send("ses_missing"), ids: ["ses_missing"] });
      // A's handle is in use in A (the asker waits), yet B may use the same handle: handles are per tenant, no 409 oracle.
      const same = await b("POST", "/v1/runs", { agent: "default", prompt: "x", agent_id: seed.askerAgentId });
      expect(same.status).toBe(200);
      expect(same.body.run_id).not.toBe(seed.askerRunId);
    },
    "POST /v1/sessions/:id/messages": async () => {
      const send = (id: string): Promise<Reply> => b("POST", `/v1/sessions/${id}/messages`, { prompt: "x" });
      expectOpaque404({ reply: await send(seed.sessionId), ids: [seed.sessionId] }, { reply: await send("ses_missing"), ids: ["ses_missing"] });
    },
    "GET /v1/runs/:run_id": async () => {
      expectOpaque404({ reply: await b("GET", `/v1/runs/${seed.runId}`), ids: [seed.runId] }, { reply: await b("GET", "/v1/runs/run_missing"), ids: ["run_missing"] });
    },
    "POST /v1/runs/:run_id/compact": async () => {
      const send = (id: string): Promise<Reply> => b("POST", `/v1/runs/${id}/compact`, {});
      expectOpaque404({ reply: await send(seed.runId), ids: [seed.runId] }, { reply: await send("run_missing"), ids: ["run_missing"] });
    },
    "GET /v1/runs/:run_id/stream": async () => {
      const send = (id: string): Promise<Reply> => b("GET", `/v1/runs/${id}/stream`);
      expectOpaque404({ reply: await send(seed.runId), ids: [seed.runId] }, { reply: await send("run_missing"), ids: ["run_missing"] });
    },
    "POST /v1/runs::batch": async () => {
      // A batch child never joins a session (session_id is not used there): it runs fresh, in B's tenant.
      const transcript = `/v1/sessions/${seed.sessionId}/transcript`;
      const before = (await a("GET", transcript)).body;
      const batch = await b("POST", "/v1/runs:batch", { spawns: [{ agent: "default", prompt: "x", session_id: seed.sessionId }] });
      expect(batch.status).toBe(200);
      const [child] = batch.body.results;
      expect(child.session_id).not.toBe(seed.sessionId);
      expect((await a("GET", transcript)).body).toEqual(before);
      expect((await b("GET", `/v1/runs/${child.run_id}`)).status).toBe(200);
      expect((await a("GET", `/v1/runs/${child.run_id}`)).status).toBe(404);
    },
    "GET /v1/sessions/:id/transcript": async () => {
      const send = (id: string): Promise<Reply> => b("GET", `/v1/sessions/${id}/transcript`);
      expectOpaque404({ reply: await send(seed.sessionId), ids: [seed.sessionId] }, { reply: await send("ses_missing"), ids: ["ses_missing"] });
    },
    "GET /v1/agents/:agent_id": async () => {
      const send = (id: string): Promise<Reply> => b("GET", `/v1/agents/${id}`);
      expectOpaque404({ reply: await send(seed.agentId), ids: [seed.agentId] }, { reply: await send("no-such-handle"), ids: ["no-such-handle"] });
    },
    "POST /v1/agents/:agent_id/cancel": async () => {
      const send = (id: string): Promise<Reply> => b("POST", `/v1/agents/${id}/cancel`, {});
      expectOpaque404({ reply: await send(seed.agentId), ids: [seed.agentId] }, { reply: await send("no-such-handle"), ids: ["no-such-handle"] });
      // B holds a run with the handle of A's waiting asker (POST /v1/runs case): B's cancel reaches only B's run.
      const cancelled = await send(seed.askerAgentId);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.run_id).not.toBe(seed.askerRunId);
      expect((await a("GET", `/v1/runs/${seed.askerRunId}`)).body.status).toBe("running");
    },
    "GET /v1/users/:user_id/agents": async () => {
      const listed = await b("GET", "/v1/users/alice/agents");
      expect(listed).toEqual({ status: 200, body: { agents: [] } });
      expect((await a("GET", "/v1/users/alice/agents")).body.agents.map((run: { run_id: string }) => run.run_id)).toContain(seed.runId);
    },
    "GET /v1/users/:user_id/agents/stream": async () => {
      // B follows alice (A's user), A follows alice; A runs for alice. A sees the run; B sees stream_open only.
      const follow = async (token: string, connection: AbortController): Promise<SseFrame[]> => {
        const stream = await openSse(`${base()}/v1/users/alice/agents/stream`, { headers: { authorization: `Bearer ${token}` }, signal: connection.signal });
        expect(stream.status).toBe(200);
        const seen: SseFrame[] = [];
        const first = await stream.frames.next();
        seen.push(first.value as SseFrame);
        void (async () => {
          for await (const frame of stream.frames) seen.push(frame);
        })().catch(() => undefined);
        return seen;
      };
      const [toA, toB] = [new AbortController(), new AbortController()];
      const ofB = await follow(tokens.b, toB);
      const ofA = await follow(tokens.a, toA);
      const started = await a("POST", "/v1/runs", { agent: "default", prompt: "for alice's stream" });
      await expect.poll(() => ofA.map((frame) => frame.data["status"]), { timeout: 10_000 }).toContain("completed");
      expect(ofA.filter((frame) => frame.event === "run_state").every((frame) => frame.data["run_id"] === started.body.run_id)).toBe(true);
      toA.abort();
      toB.abort();
      expect(ofB.map((frame) => frame.event)).toEqual(["stream_open"]);
    },
    // The LLM gateway holds no tenant rows: each call is the caller's, billed to the caller's tenant.
    "POST /v1/chat/completions": async () => {
      const completion = await b("POST", "/v1/chat/completions", { model: "mock/mock-echo", messages: [{ role: "user", content: "globex asks" }] });
      expect(completion.status).toBe(200);
      expect(tenantsOf(await a("GET", "/v1/_usage?group_by=tenant"))).toEqual([A.tenant]);
    },
    "POST /v1/_llm/chat": async () => {
      const reply = await b("POST", "/v1/_llm/chat", { provider: "mock", model: "mock-echo", messages: [{ role: "user", content: "globex asks" }] });
      expect(reply.status).toBe(200);
      expect(tenantsOf(await a("GET", "/v1/_usage?group_by=tenant"))).toEqual([A.tenant]);
    },
    "GET /v1/models": async () => {
      expect(await b("GET", "/v1/models")).toEqual(await a("GET", "/v1/models"));
    },
    "POST /v1/embeddings": async () => {
      const embedded = await b("POST", "/v1/embeddings", { model: "bow-64", input: "globex words" });
      expect(embedded.status).toBe(200);
      expect(embedded.body).toMatchObject({ object: "list", data: [{ object: "embedding", index: 0 }] });
      expect(JSON.stringify(embedded.body)).not.toContain("acme");
    },
    "GET /v1/_usage": async () => {
      // `?tenant=` is an admin's focus: B's is ignored, so B sees only its own tenant.
      const usage = await b("GET", `/v1/_usage?group_by=tenant&tenant=${A.tenant}`);
      expect(usage.status).toBe(200);
      expect(tenantsOf(usage)).not.toContain(A.tenant);
      expect(tenantsOf(await a("GET", "/v1/_usage?group_by=tenant"))).toEqual([A.tenant]);
    },
    "GET /v1/runs/:run_id/evaluations": async () => {
      const send = (id: string): Promise<Reply> => b("GET", `/v1/runs/${id}/evaluations`);
      expectOpaque404({ reply: await send(seed.runId), ids: [seed.runId] }, { reply: await send("run_missing"), ids: ["run_missing"] });
    },
    "POST /v1/runs/:run_id/evaluations": async () => {
      const send = (id: string): Promise<Reply> => b("POST", `/v1/runs/${id}/evaluations`, { score: 0, dimensions: {} });
      expectOpaque404({ reply: await send(seed.runId), ids: [seed.runId] }, { reply: await send("run_missing"), ids: ["run_missing"] });
      expect((await a("GET", `/v1/runs/${seed.runId}/evaluations`)).body.total).toBe(1);
    },
    "POST /v1/hooks": async () => {
      // Same (owner, name) as A's hook: B gets its own hook, A's is untouched.
      const mine = await b("POST", "/v1/hooks", { owner: "acme", name: "audit", phase: "pre", callback_url: "https://hooks.example.com/globex" });
      expect(mine.status).toBe(200);
      expect(mine.body.id).not.toBe(seed.hookId);
      expect((await a("GET", "/v1/hooks")).body.hooks).toEqual([expect.objectContaining({ id: seed.hookId, callback_url: "https://hooks.example.com/acme", tenant: A.tenant })]);
    },
    "GET /v1/hooks": async () => {
      const listed = await b("GET", "/v1/hooks");
      expect(listed.status).toBe(200);
      expect(listed.body.hooks.map((hook: { id: string }) => hook.id)).not.toContain(seed.hookId);
      expect(JSON.stringify(listed.body)).not.toContain("hooks.example.com/acme");
    },
    "DELETE /v1/hooks/:id": async () => {
      const send = (id: string): Promise<Reply> => b("DELETE", `/v1/hooks/${id}`);
      expectOpaque404({ reply: await send(seed.hookId), ids: [seed.hookId] }, { reply: await send("hook_missing"), ids: ["hook_missing"] });
      expect((await a("GET", "/v1/hooks")).body.hooks.map((hook: { id: string }) => hook.id)).toEqual([seed.hookId]);
    },
    "GET /v1/_channels": async () => {
      const names = (await b("GET", "/v1/_channels")).body.channels.map((channel: { name: string }) => channel.name);
      expect(names.filter((name: string) => name.startsWith("acme-"))).toEqual([]);
    },
    "POST /v1/_channels": async () => {
      // A has "acme-news": B declaring the name gets its own, empty channel, not a 409 that says A has it.
      const declared = await b("POST", "/v1/_channels", { name: "acme-news" });
      expect(declared.status).toBe(201);
      expect(declared.body).toMatchObject({ name: "acme-news", message_count: 0 });
      expect((await a("GET", "/v1/_channels/acme-news")).body).toMatchObject({ message_count: 1 });
    },
    "POST /v1/_channels/*": async () => {
      for (const [action, body] of [
        ["publish", { payload: "spoof" }],
        ["subscribe", {}],
        ["ack", { cursor: "cur_1" }],
      ] as const) {
        const send = (name: string): Promise<Reply> => b("POST", `/v1/_channels/${name}/${action}`, body);
        expectOpaque404({ reply: await send("acme-private"), ids: ["acme-private"] }, { reply: await send("no-such-channel"), ids: ["no-such-channel"] });
      }
    },
    "GET /v1/_channels/*": async () => {
      for (const suffix of ["", "/peek"]) {
        const send = (name: string): Promise<Reply> => b("GET", `/v1/_channels/${name}${suffix}`);
        expectOpaque404({ reply: await send("acme-private"), ids: ["acme-private"] }, { reply: await send("no-such-channel"), ids: ["no-such-channel"] });
      }
    },
    "DELETE /v1/_channels/*": async () => {
      const send = (name: string): Promise<Reply> => b("DELETE", `/v1/_channels/${name}`);
      expectOpaque404({ reply: await send("acme-private"), ids: ["acme-private"] }, { reply: await send("no-such-channel"), ids: ["no-such-channel"] });
      expect((await a("GET", "/v1/_channels/acme-private")).status).toBe(200);
    },
    "POST /v1/users/:user_id/channels/*": async () => {
      const send = (name: string): Promise<Reply> => b("POST", `/v1/users/alice/channels/${name}/subscribe`, {});
      expectOpaque404({ reply: await send("acme-inbox"), ids: ["acme-inbox"] }, { reply: await send("no-such-channel"), ids: ["no-such-channel"] });
    },
    "GET /v1/users/:user_id/channels/*": async () => {
      const send = (name: string): Promise<Reply> => b("GET", `/v1/users/alice/channels/${name}/peek?from_cursor=cur_0`);
      expectOpaque404({ reply: await send("acme-inbox"), ids: ["acme-inbox"] }, { reply: await send("no-such-channel"), ids: ["no-such-channel"] });
      expect((await a("GET", "/v1/users/alice/channels/acme-inbox/peek?from_cursor=cur_0")).body.messages).toHaveLength(1);
    },
    "GET /v1/_memory/scopes/:scope": async () => {
      const ids = await b("GET", `/v1/_memory/scopes/user?tenant=${A.tenant}`);
      expect(ids).toEqual({ status: 200, body: { scope: "user", scope_ids: [] } });
    },
    "GET /v1/_memory/scopes/:scope/:scope_id/keys": async () => {
      const listed = await b("GET", `/v1/_memory/scopes/user/alice/keys?tenant=${A.tenant}`);
      expect(listed.body).toMatchObject({ entries: [] });
    },
    "GET /v1/_memory/scopes/:scope/:scope_id/keys/*": async () => {
      const send = (key: string): Promise<Reply> => b("GET", `/v1/_memory/scopes/user/alice/keys/${key}?tenant=${A.tenant}`);
      expectOpaque404({ reply: await send("plan"), ids: ["plan"] }, { reply: await send("no-such-key"), ids: ["no-such-key"] });
    },
    "PUT /v1/_memory/scopes/:scope/:scope_id/keys/*": async () => {
      expect((await b("PUT", "/v1/_memory/scopes/user/alice/keys/plan?embed=true", { value: "overwritten by globex" })).status).toBe(200);
      expect((await a("GET", "/v1/_memory/scopes/user/alice/keys/plan")).body.entry.value).toBe("acme secret plan");
      expect((await b("GET", "/v1/_memory/scopes/user/alice/keys/plan")).body.entry.value).toBe("overwritten by globex");
    },
    "DELETE /v1/_memory/scopes/:scope/:scope_id/keys/*": async () => {
      const send = (key: string): Promise<Reply> => b("DELETE", `/v1/_memory/scopes/user/alice/keys/${key}?tenant=${A.tenant}`);
      expect(normalized(await send("plan"), ["plan"])).toEqual(normalized(await send("no-such-key"), ["no-such-key"]));
      expect((await a("GET", "/v1/_memory/scopes/user/alice/keys/plan")).body.entry.value).toBe("acme secret plan");
    },
    "POST /v1/_memory/search": async () => {
      const query = { query: "acme secret plan", scope: "user", scope_id: "alice" };
      const values = (reply: Reply): unknown[] => reply.body.entries.map((entry: { value: unknown }) => entry.value);
      expect(values(await a("POST", "/v1/_memory/search", query))).toContain("acme secret plan");
      // B's `?tenant=` focus is ignored: B searches only its own alice (which holds B's PUT, if that case ran first).
      const focused = await b("POST", `/v1/_memory/search?tenant=${A.tenant}`, query);
      expect(focused.status).toBe(200);
      expect(values(focused)).not.toContain("acme secret plan");
      expect(focused).toEqual(await b("POST", "/v1/_memory/search", query));
    },
    "GET /v1/runs/:run_id/interrupts": async () => {
      const send = (id: string): Promise<Reply> => b("GET", `/v1/runs/${id}/interrupts`);
      expectOpaque404({ reply: await send(seed.askerRunId), ids: [seed.askerRunId] }, { reply: await send("run_missing"), ids: ["run_missing"] });
    },
    "GET /v1/users/:user_id/interrupts": async () => {
      expect(await b("GET", "/v1/users/alice/interrupts")).toEqual({ status: 200, body: { interrupts: [], total: 0 } });
      expect((await a("GET", "/v1/users/alice/interrupts")).body.total).toBe(1);
    },
    "POST /v1/runs/:run_id/interrupts/:interrupt_id/resolve": async () => {
      const send = (runId: string, interruptId: string): Promise<Reply> => b("POST", `/v1/runs/${runId}/interrupts/${interruptId}/resolve`, { answer: "yes" });
      const missing = { reply: await send("run_missing", "int_missing"), ids: ["run_missing", "int_missing"] };
      expectOpaque404({ reply: await send(seed.askerRunId, seed.interruptId), ids: [seed.askerRunId, seed.interruptId] }, missing);
      // B's own run with A's interrupt id reads like B's run with an unknown one.
      const own = (await b("POST", "/v1/runs", { agent: "default", prompt: "x" })).body.run_id as string;
      expectOpaque404({ reply: await send(own, seed.interruptId), ids: [own, seed.interruptId] }, { reply: await send(own, "int_missing"), ids: [own, "int_missing"] });
      expect((await a("GET", `/v1/runs/${seed.askerRunId}/interrupts`)).body.interrupts[0]).toMatchObject({ interrupt_id: seed.interruptId, status: "pending" });
    },
  };

  /**
   * B against A's definition of one kind: every op on A's def_id or name answers exactly as for a
   * missing one, B may take the same name (with A's very content) as its own version 1, and A's
   * version stays as A made it.
   */
  async function definitionOps(defKind: DefinitionKind): Promise<void> {
    const path = `/v1/_${defKind}def`;
    const own = seed.defs[defKind];
    const { name, overlay } = DEFINITIONS[defKind];
    const op = (body: Record<string, unknown>): Promise<Reply> => b("POST", path, body);
    const byId = (defId: string): Record<string, unknown>[] => [
      { op: "get", def_id: defId },
      { op: "promote", def_id: defId },
      { op: "activate", def_id: defId },
      { op: "retire", def_id: defId },
      { op: "retire", def_id: defId, retired: false },
      { op: "fork", parent_def_id: defId },
    ];
    const missingById = byId("def_missing");
    for (const [index, body] of byId(own.defId).entries()) {
      expectOpaque404({ reply: await op(body), ids: [own.defId] }, { reply: await op(missingById[index] ?? {}), ids: ["def_missing"] });
    }
    const byName = (target: string): Record<string, unknown>[] => [{ op: "list", name: target }, { op: "verify", name: target, content_sha256: own.sha }, { op: "fork", name: target }];
    const missingByName = byName("no-such-def");
    for (const [index, body] of byName(name).entries()) {
      const foreign = await op(body);
      expect(JSON.stringify(foreign.body), JSON.stringify(body)).not.toContain(own.defId);
      expect(normalized(foreign, [name])).toEqual(normalized(await op(missingByName[index] ?? {}), ["no-such-def"]));
    }
    // The agent B makes differs (mock-echo), so GET /v1/_runnable-agents can tell whose it serves.
    const mine = await op({ op: "create", name, overlay: defKind === "agent" ? { provider: "mock", model: "mock-echo", system_prompt: "globex" } : overlay });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body).toMatchObject({ name, version: 1, active: true });
    expect(mine.body.def_id).not.toBe(own.defId);
    expect((await a("POST", path, { op: "get", def_id: own.defId })).body).toEqual(own.view);
    expect((await a("POST", path, { op: "list", name })).body.versions.map((version: { def_id: string }) => version.def_id)).toEqual([own.defId]);
  }

  /** B's names of one kind never show A's version; A's still lists exactly its one. */
  async function definitionNames(defKind: DefinitionKind): Promise<void> {
    const path = `/v1/_${defKind}def/names`;
    const own = seed.defs[defKind];
    const { name } = DEFINITIONS[defKind];
    const names = await b("GET", path);
    expect(names.status).toBe(200);
    expect(JSON.stringify(names.body)).not.toContain(own.defId);
    // B's entry under the same name, if B made one (POST case), counts B's version only.
    for (const entry of names.body.names.filter((candidate: { name: string }) => candidate.name === name)) expect(entry).toMatchObject({ versions: 1, latest_version: 1 });
    expect((await a("GET", path)).body.names).toEqual([expect.objectContaining({ name, versions: 1, active_def_id: own.defId })]);
  }

  for (const defKind of DEFINITION_KINDS) {
    CASES[`POST /v1/_${defKind}def`] = (): Promise<void> => definitionOps(defKind);
    CASES[`GET /v1/_${defKind}def/names`] = (): Promise<void> => definitionNames(defKind);
  }
  CASES["GET /v1/_runnable-agents"] = async (): Promise<void> => {
    // B made its own "acme-writer" (POST /v1/_agentdef case, mock-echo): B sees that one, never A's (mock-tools).
    const writer = (reply: Reply): unknown[] => reply.body.agents.filter((agent: { name: string }) => agent.name === "acme-writer").map((agent: { model: string }) => agent.model);
    expect(writer(await b("GET", "/v1/_runnable-agents"))).toEqual(["mock-echo"]);
    expect(writer(await a("GET", "/v1/_runnable-agents"))).toEqual(["mock-tools"]);
  };

  /**
   * Operator tokens are the operator's: substrate:admin is the cross-tenant superuser by design
   * (inventory §10.2: token minting, `?tenant=` focus), so the boundary for a tenant is that its
   * token is refused every op (403), and nothing of A's tokens is in the refusal.
   */
  CASES["POST /v1/_operatortokendef"] = async (): Promise<void> => {
    const attempts = [
      { op: "list" },
      { op: "list", tenant_id: A.tenant },
      { op: "get", name: A.token },
      { op: "rotate", name: A.token },
      { op: "retire", name: A.token },
      { op: "create", name: "globex-escalate", tenant_id: A.tenant, subject: A.subject, scopes: ["substrate:tenant"] },
    ];
    for (const body of attempts) {
      const refused = await b("POST", "/v1/_operatortokendef", body);
      expect({ body, status: refused.status, code: refused.body.code }).toEqual({ body, status: 403, code: "forbidden" });
      expect(JSON.stringify(refused.body)).not.toContain(A.token);
    }
    // A's token was neither rotated nor retired, and no token was minted into A.
    expect((await a("GET", "/v1/_me")).body).toMatchObject({ tenant_id: A.tenant, subject: A.subject });
    const admin = client(base, () => tokens.admin);
    const names = (await admin("GET", "/v1/_operatortokendef/names")).body.names.map((entry: { name: string }) => entry.name);
    expect(names).toContain(A.token);
    expect(names).not.toContain("globex-escalate");
  };
  CASES["GET /v1/_operatortokendef/names"] = async (): Promise<void> => {
    const refused = await b("GET", "/v1/_operatortokendef/names");
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: "forbidden" });
    expect(JSON.stringify(refused.body)).not.toContain(A.token);
  };

  /** A's budgets, usage aside, are exactly as A set them. */
  async function expectBudgetsOfAUnchanged(): Promise<void> {
    expect((await a("GET", "/v1/_limits")).body.limits.map(budgetOf)).toEqual(seed.limits.map(budgetOf));
  }

  CASES["GET /v1/_limits"] = async (): Promise<void> => {
    const listed = await b("GET", "/v1/_limits");
    expect(listed.status).toBe(200);
    expect(listed.body.limits.filter((limit: { tenant_id: string }) => limit.tenant_id !== B.tenant)).toEqual([]);
    // Naming A's tenant is refused exactly as naming one that does not exist: no list, no oracle.
    const focus = (tenant: string): Promise<Reply> => b("GET", `/v1/_limits?tenant=${tenant}`);
    const foreign = await focus(A.tenant);
    expect(foreign.status).toBe(400);
    expect(normalized(foreign, [A.tenant])).toEqual(normalized(await focus("no-such-tenant"), ["no-such-tenant"]));
  };
  CASES["PUT /v1/_limits"] = async (): Promise<void> => {
    const refused = await b("PUT", "/v1/_limits", { tenant_id: A.tenant, scope: "tenant", hard_limit: 1 });
    expect(refused).toMatchObject({ status: 400, body: { code: "invalid_argument" } });
    expect(refused.body.error).toMatch(/^tenant_id: /);
    // The same user id in B is B's own budget, not alice's in A.
    const mine = await b("PUT", "/v1/_limits", { scope: "user", scope_id: "alice", hard_limit: 1 });
    expect(mine).toMatchObject({ status: 200, body: { tenant_id: B.tenant, scope: "user", scope_id: "alice", hard_limit: 1, updated_by: B.subject } });
    await expectBudgetsOfAUnchanged();
  };
  CASES["DELETE /v1/_limits"] = async (): Promise<void> => {
    expect((await b("DELETE", "/v1/_limits?scope=tenant")).status).toBe(204);
    expect((await b("DELETE", "/v1/_limits?scope=user&scope_id=alice")).status).toBe(204);
    expect((await b("DELETE", `/v1/_limits?scope=tenant&tenant=${A.tenant}`)).status).toBe(400);
    await expectBudgetsOfAUnchanged();
  };

  CASES["POST /v1/runs/:run_id/input"] = async (): Promise<void> => {
    const send = (id: string): Promise<Reply> => b("POST", `/v1/runs/${id}/input`, { text: "from tenant B" });
    expectOpaque404({ reply: await send(seed.askerRunId), ids: [seed.askerRunId] }, { reply: await send("run_no_such_run"), ids: ["run_no_such_run"] });
    expect((await a("GET", `/v1/runs/${seed.askerRunId}`)).body.status).toBe("running");
  };
  CASES["POST /v1/runs/:run_id/cancel"] = async (): Promise<void> => {
    const send = (id: string): Promise<Reply> => b("POST", `/v1/runs/${id}/cancel`, { reason: "tenant B" });
    expectOpaque404({ reply: await send(seed.askerRunId), ids: [seed.askerRunId] }, { reply: await send("run_no_such_run"), ids: ["run_no_such_run"] });
    expect((await a("GET", `/v1/runs/${seed.askerRunId}`)).body.status).toBe("running");
  };
  // Operator-wide routes: a snapshot holds every tenant's rows, and pause stops every tenant's runs,
  // so only substrate:admin reaches them; a tenant token is refused before anything is read or done.
  const adminOnly = (method: string, path: string, body?: unknown) => async (): Promise<void> => {
    const refused = await b(method, path, body);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain(A.tenant);
    expect((await a("GET", `/v1/runs/${seed.askerRunId}`)).body.status).toBe("running");
  };
  CASES["POST /v1/_snapshots"] = adminOnly("POST", "/v1/_snapshots", {});
  CASES["GET /v1/_snapshots"] = adminOnly("GET", "/v1/_snapshots");
  CASES["GET /v1/_snapshots/:id"] = adminOnly("GET", "/v1/_snapshots/snap_any");
  CASES["GET /v1/_snapshots/:id/export"] = adminOnly("GET", "/v1/_snapshots/snap_any/export");
  CASES["DELETE /v1/_snapshots/:id"] = adminOnly("DELETE", "/v1/_snapshots/snap_any");
  CASES["POST /v1/_snapshots/:id/restore"] = adminOnly("POST", "/v1/_snapshots/snap_any/restore", {});
  CASES["POST /v1/_pause"] = adminOnly("POST", "/v1/_pause", { timeout_ms: 1000 });
  CASES["POST /v1/_resume"] = adminOnly("POST", "/v1/_resume", {});
  CASES["GET /v1/_state"] = adminOnly("GET", "/v1/_state");
  // The MCP server: B's session sees none of A's runs, and A's session id is unknown to B.
  Object.assign(CASES, mcpTenantCases({ base, tokens, seed }));

  /** Routes that hold no tenant's rows, and why. */
  const NOT_TENANT_DATA: Record<string, string> = {
    "GET /healthz": "liveness probe",
    "GET /readyz": "readiness probe",
    "GET /metrics": "process metrics (substrate:admin)",
    "GET /v1/_me": "describes the caller's own principal",
    "GET /v1/_resolver": "provider availability matrix (operator-wide)",
    "POST /v1/_resolve/probe": "provider availability matrix (operator-wide)",
    "GET /v1/_memory/scopes": "the static catalog of memory scopes",
  };

  it("has a case for every route the runtime serves", () => {
    const uncovered = runtime.routes.filter((route) => !(route in CASES) && !(route in NOT_TENANT_DATA));
    expect(uncovered).toEqual([]);
    // And no stale case for a route that is gone.
    expect(Object.keys(CASES).filter((route) => !runtime.routes.includes(route))).toEqual([]);
  });

  for (const [route, run] of Object.entries(CASES)) it(`leaks nothing of tenant A through ${route}`, run, 30_000);

  it("lets a super-admin focus another tenant with ?tenant=, and only a super-admin", async () => {
    const admin = client(base, () => tokens.admin);
    expect((await admin("GET", "/v1/_me")).body).toMatchObject({ tenant_id: B.tenant, is_admin: true });
    expect((await admin("GET", `/v1/_memory/scopes/user/alice/keys/plan?tenant=${A.tenant}`)).body.entry.value).toBe("acme secret plan");
    expect(tenantsOf(await admin("GET", `/v1/_usage?group_by=tenant&tenant=${A.tenant}`))).toEqual([A.tenant]);
    const plain = await b("GET", `/v1/_memory/scopes/user/alice/keys/plan?tenant=${A.tenant}`);
    expect(JSON.stringify(plain.body)).not.toContain("acme secret plan");
  });
});
