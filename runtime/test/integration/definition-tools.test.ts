import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyRequest } from "fastify";
import { OPEN_PRINCIPAL } from "../../src/domain/index.ts";
import type { Principal } from "../../src/domain/index.ts";
import { allFrames, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime, testAgent } from "../support/test-runtime.ts";
import type { StoreKind } from "../support/test-runtime.ts";

async function headerTenant(request: FastifyRequest): Promise<Principal> {
  const tenant = request.headers["x-test-tenant"];
  return { ...OPEN_PRINCIPAL, tenantId: typeof tenant === "string" ? tenant : "default", subject: "operator" };
}

const AUTHOR = testAgent({
  name: "author",
  provider: "mock",
  model: "mock-tools",
  tools: ["AgentDef", "SkillDef", "Skill", "Context"],
  agent_def_scopes: ["named:helper"],
  skills: ["team/*"],
});
const UNGRANTED = testAgent({ name: "ungranted", provider: "mock", model: "mock-tools", tools: ["AgentDef", "SkillDef"] });

type Json = Record<string, unknown>;

function toolResults(frames: SseFrame[]): { text: string; is_error: unknown }[] {
  return frames.filter((frame) => frame.event === "tool_result").map((frame) => ({ text: String(frame.data["text"]), is_error: frame.data["is_error"] }));
}

describe.each<StoreKind>(["pglite", "postgres"])("AgentDef and SkillDef tools (%s store)", (kind) => {
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;

  beforeAll(async () => {
    runtime = await startTestRuntime(kind, { agents: [...TEST_AGENTS, AUTHOR, UNGRANTED] }, { authenticate: headerTenant });
  });
  afterAll(() => runtime.dispose());

  async function play(agent: string, script: unknown[], tenant = "acme"): Promise<{ results: { text: string; is_error: unknown }[]; frames: SseFrame[] }> {
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent, prompt: "go", metadata: { mock_script: script } }, { "x-test-tenant": tenant }));
    return { results: toolResults(frames), frames };
  }

  it("lets an agent author agents and skills within its grants, and refuses the rest saying why", async () => {
    const { results } = await play("author", [
      { tool: "AgentDef", input: { op: "create", name: "helper", overlay: { provider: "mock", model: "mock-echo", tools: ["Context"], system_prompt: "I help." } } },
      { tool: "AgentDef", input: { op: "create", name: "rogue", overlay: {} } },
      { tool: "AgentDef", input: { op: "fork", name: "helper", overlay: { tools: ["Context", "Skill"] } } },
      { tool: "AgentDef", input: { op: "fork", name: "helper", overlay: { memory_scopes: ["tenant"], tools: [] } } },
      { tool: "AgentDef", input: { op: "fork", name: "helper", overlay: { tools: [] }, promote: true } },
      { tool: "SkillDef", input: { op: "create", name: "team/review", overlay: { description: "Reviews diffs", body: "Check the diff twice.", tools: ["Context"] } } },
      { tool: "SkillDef", input: { op: "create", name: "private/notes", overlay: { body: "x" } } },
      { tool: "Skill", input: { op: "invoke", name: "team/review" } },
      { tool: "Skill", input: { op: "list" } },
      { tool: "AgentDef", input: { op: "create", name: "helper", tenant_id: "beta" } },
      { text: "done" },
    ]);
    const [created, rogue, widened, granted, narrowed, skill, privateSkill, invoked, listed, tenantField] = results;
    expect(created?.is_error).toBe(false);
    expect(JSON.parse(String(created?.text))).toMatchObject({ name: "helper", version: 1, active: true, created_by_agent_id: expect.any(String), created_by_run_id: expect.any(String) });
    expect(rogue).toEqual({
      is_error: true,
      text: 'AgentDef: agent "author" may not create agent definition "rogue" (agent_def_scopes: [named:helper]); an operator grants it with agent_def_scopes: [named:rogue], [self] or [any]',
    });
    expect(widened).toEqual({ is_error: true, text: 'AgentDef: a fork of agent "helper" may only narrow its tools; it adds Skill, which version 1 does not grant (its tools: Context)' });
    expect(granted?.text).toBe(
      'AgentDef: agent "author" may not grant what it does not have: memory_scopes tenant; give the definition only grants this agent holds (or ask an operator to write it)',
    );
    expect(JSON.parse(String(narrowed?.text))).toMatchObject({ version: 2, active: true, definition: { tools: [] } });
    expect(JSON.parse(String(skill?.text))).toMatchObject({ kind: "skill", name: "team/review", version: 1, active: true });
    expect(privateSkill?.text).toContain('may not create skill definition "private/notes" (skills: [team/*])');
    expect([invoked?.is_error, invoked?.text.includes("Check the diff twice.")]).toEqual([false, true]);
    expect(JSON.parse(String(listed?.text))).toEqual({ skills: [{ name: "team/review", description: "Reviews diffs" }] });
    expect(tenantField).toEqual({ is_error: true, text: "AgentDef: input: Unrecognized key: \"tenant_id\"" });
  });

  it("keeps what a run authored in the run's tenant", async () => {
    const acme = (await (await fetch(`${runtime.url}/v1/_agentdef/names`, { headers: { "x-test-tenant": "acme" } })).json()) as Json;
    const other = (await (await fetch(`${runtime.url}/v1/_agentdef/names`, { headers: { "x-test-tenant": "default" } })).json()) as Json;
    expect((acme["names"] as Json[]).map((row) => row["name"])).toEqual(["helper"]);
    expect(other).toEqual({ names: [] });
    const { frames } = await play("helper", [{ text: "unused" }]);
    expect(frames.at(-1)?.event).toBe("done");
  });

  it("refuses an agent without agent_def_scopes or skills every op", async () => {
    const { results } = await play("ungranted", [
      { tool: "AgentDef", input: { op: "list", name: "helper" } },
      { tool: "SkillDef", input: { op: "list", name: "team/review" } },
      { text: "done" },
    ]);
    expect(results.map((result) => result.is_error)).toEqual([true, true]);
    expect(results[0]?.text).toContain("(agent_def_scopes is empty)");
    expect(results[1]?.text).toContain("(it has no skills: patterns)");
  });
});
