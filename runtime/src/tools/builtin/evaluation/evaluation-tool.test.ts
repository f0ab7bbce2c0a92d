import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testAgent } from "../../../../test/support/test-runtime.ts";
import { toolContext } from "../../../../test/support/tool-context.ts";
import { newId } from "../../../domain/index.ts";
import type { EvaluationScope } from "../../../domain/index.ts";
import { AgentCatalog, EvaluationService } from "../../../service/index.ts";
import { createPgliteStore } from "../../../store/index.ts";
import type { Store } from "../../../store/index.ts";
import type { ToolResult } from "../../tool.ts";
import { createEvaluationTool } from "./evaluation-tool.ts";

const SCOPES: Record<string, EvaluationScope[]> = {
  none: [],
  self: ["submit_self"],
  any: ["submit_any"],
  reader: ["read_any"],
  descendants: ["submit_descendants"],
};

let store: Store;
let service: EvaluationService;

async function newRun(tenant = "default"): Promise<string> {
  const session = await store.createSession({ id: newId("ses"), tenant_id: tenant, agent: "judge", user_id: null });
  const run = await store.createRun(
    { id: newId("run"), session_id: session.id, tenant_id: tenant, agent: "judge", agent_id: newId("agt"), user_id: null, metadata: {} },
    [{ type: "started" }],
  );
  return run.id;
}

/** Calls the tool as agent `<scopes key>` from run `runId`. */
async function call(agent: keyof typeof SCOPES, runId: string, input: Record<string, unknown>): Promise<ToolResult> {
  return createEvaluationTool(service).execute(input, toolContext({ agent, runId, agentId: `agt_${agent}` }));
}

function json(result: ToolResult): Record<string, unknown> {
  expect(result.is_error, result.text).toBe(false);
  return JSON.parse(result.text) as Record<string, unknown>;
}

beforeAll(async () => {
  store = await createPgliteStore({ memory: true });
  const agents = new AgentCatalog(Object.entries(SCOPES).map(([name, evaluation_scopes]) => testAgent({ name, provider: "mock", model: "mock-tools", evaluation_scopes })));
  service = new EvaluationService({ store, agents });
});

afterAll(async () => {
  await store?.close();
});

describe("Evaluation submit", () => {
  it("stores a self-evaluation with emitter_role self and the emitter's ids", async () => {
    const runId = await newRun();
    const stored = json(await call("self", runId, { op: "submit", run_id: runId, score: 0.8, dimensions: { accuracy: 1, style: 0.5 }, judgement: "pass", rationale: "good" }));
    expect(stored).toMatchObject({
      run_id: runId,
      tenant_id: "default",
      score: 0.8,
      dimensions: { accuracy: 1, style: 0.5 },
      judgement: "pass",
      rationale: "good",
      emitter_role: "self",
      emitter_agent_id: "agt_self",
      emitter_run_id: runId,
    });
    expect(stored["eval_id"]).toMatch(/^eval_/);
    expect(new Date(String(stored["created_at"])).getTime()).toBeGreaterThan(0);
  });

  it("scores the caller's own run when run_id is left out", async () => {
    const runId = await newRun();
    expect(json(await call("self", runId, { op: "submit", score: 0.25 }))).toMatchObject({ run_id: runId, emitter_role: "self", score: 0.25 });
  });

  it("lets submit_any score another run, as emitter_role other", async () => {
    const [judge, target] = [await newRun(), await newRun()];
    expect(json(await call("any", judge, { op: "submit", run_id: target, score: 0 }))).toMatchObject({ run_id: target, emitter_role: "other", judgement: null, dimensions: {} });
  });

  it("refuses each submit the agent's evaluation_scopes do not grant, naming the grant", async () => {
    const [own, other] = [await newRun(), await newRun()];
    expect(await call("none", own, { op: "submit", run_id: own, score: 1 })).toEqual({
      is_error: true,
      text: 'Evaluation: agent "none" may not evaluate its own run; add submit_self (or submit_any) to its evaluation_scopes',
    });
    expect(await call("self", own, { op: "submit", run_id: other, score: 1 })).toEqual({
      is_error: true,
      text: 'Evaluation: agent "self" may not evaluate other runs: add submit_any to its evaluation_scopes',
    });
    expect(await call("descendants", own, { op: "submit", run_id: other, score: 1 })).toEqual({
      is_error: true,
      text: 'Evaluation: agent "descendants" may not evaluate other runs: submit_descendants is not supported yet (sub-agent lineage is not built), so it does not cover this run; add submit_any to its evaluation_scopes',
    });
    expect((await service.listFromApi("default", other, 10)).total).toBe(0);
  });

  it("refuses an unknown run, and a run of another tenant as unknown", async () => {
    const [own, foreign] = [await newRun(), await newRun("acme")];
    expect(await call("any", own, { op: "submit", run_id: "run_nope", score: 1 })).toEqual({ is_error: true, text: 'Evaluation: run "run_nope" not found' });
    expect(await call("any", own, { op: "submit", run_id: foreign, score: 1 })).toEqual({ is_error: true, text: `Evaluation: run "${foreign}" not found` });
  });

  it("names the field of bad input", async () => {
    const own = await newRun();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ op: "submit", run_id: own, score: 1.5 }, /^Evaluation: score: expected a number between 0 and 1$/],
      [{ op: "submit", run_id: own }, /^Evaluation: score: /],
      [{ op: "submit", run_id: "", score: 1 }, /^Evaluation: run_id: must name a run$/],
      [{ op: "submit", run_id: own, score: 1, dimensions: { x: 2 } }, /^Evaluation: dimensions\.x: expected a number between 0 and 1$/],
      [{ op: "submit", run_id: own, score: 1, judgement: "x".repeat(201) }, /^Evaluation: judgement: /],
      [{ op: "get" }, /^Evaluation: eval_id: /],
      [{ op: "list_for_run", run_id: own, limit: 0 }, /^Evaluation: limit: /],
      [{ op: "grade" }, /^Evaluation: unknown op "grade"; supported: submit, get, list_for_run$/],
    ];
    for (const [input, text] of cases) {
      const result = await call("any", own, input);
      expect(result.is_error, JSON.stringify(input)).toBe(true);
      expect(result.text).toMatch(text);
    }
  });
});

describe("Evaluation get and list_for_run", () => {
  it("reads the own run's evaluations without any grant, newest first with the total", async () => {
    const own = await newRun();
    await service.submitFromApi("default", own, { score: 0.1, dimensions: {} });
    await service.submitFromApi("default", own, { score: 0.9, dimensions: {} });
    const page = json(await call("none", own, { op: "list_for_run", run_id: own, limit: 1 }));
    expect(page["total"]).toBe(2);
    expect(page["evaluations"]).toEqual([expect.objectContaining({ score: 0.9, emitter_role: "api", emitter_run_id: null })]);
    const evalId = String((page["evaluations"] as { eval_id: string }[])[0]?.eval_id);
    expect(json(await call("none", own, { op: "get", eval_id: evalId }))).toMatchObject({ eval_id: evalId, score: 0.9 });
  });

  it("needs read_any for another run's evaluations", async () => {
    const [own, other] = [await newRun(), await newRun()];
    const evaluation = await service.submitFromApi("default", other, { score: 0.5, dimensions: {} });
    const denied = `Evaluation: agent "any" may read only its own run's evaluations; add read_any to its evaluation_scopes to read run ${other}'s`;
    expect(await call("any", own, { op: "list_for_run", run_id: other })).toEqual({ is_error: true, text: denied });
    expect(await call("any", own, { op: "get", eval_id: evaluation.eval_id })).toEqual({ is_error: true, text: denied });
    expect(json(await call("reader", own, { op: "list_for_run", run_id: other }))).toMatchObject({ total: 1 });
    expect(json(await call("reader", own, { op: "get", eval_id: evaluation.eval_id }))).toMatchObject({ eval_id: evaluation.eval_id });
  });

  it("says so for an unknown evaluation or run", async () => {
    const own = await newRun();
    expect(await call("reader", own, { op: "get", eval_id: "eval_nope" })).toEqual({ is_error: true, text: 'Evaluation: evaluation "eval_nope" not found' });
    expect(await call("reader", own, { op: "list_for_run", run_id: "run_nope" })).toEqual({ is_error: true, text: 'Evaluation: run "run_nope" not found' });
  });
});
