import { AppError, newId } from "../domain/index.ts";
import type { EmitterRole, Evaluation, EvaluationBody, EvaluationScope, Run } from "../domain/index.ts";
import type { Store } from "../store/index.ts";
import type { EvaluationCaller, EvaluationPort } from "../tools/index.ts";
import type { AgentCatalog } from "./agent-catalog.ts";

/** What the evaluation service is built from. */
export interface EvaluationServiceDeps {
  store: Store;
  agents: AgentCatalog;
}

/** A page of a run's evaluations. */
export interface EvaluationPage {
  evaluations: Evaluation[];
  total: number;
}

/**
 * Evaluations of runs: scores an agent gives (its own run or another, gated by the agent's
 * `evaluation_scopes`) or an app posts over HTTP. The emitter role is always derived here,
 * never taken from the caller. `submit_descendants` is refused until sub-agent lineage exists.
 */
export class EvaluationService implements EvaluationPort {
  private readonly deps: EvaluationServiceDeps;

  constructor(deps: EvaluationServiceDeps) {
    this.deps = deps;
  }

  /** An app scores a run (POST /v1/runs/{id}/evaluations): emitter role `api`. */
  async submitFromApi(tenantId: string, runId: string, body: EvaluationBody): Promise<Evaluation> {
    const run = await this.requireRun(runId, tenantId);
    return this.insert({ run, body, role: "api", emitter: null });
  }

  /** A run's evaluations for an app (GET /v1/runs/{id}/evaluations). */
  async listFromApi(tenantId: string, runId: string, limit: number): Promise<EvaluationPage> {
    await this.requireRun(runId, tenantId);
    return this.deps.store.evaluations.listForRun(runId, limit);
  }

  async submit(caller: EvaluationCaller, input: EvaluationBody & { run_id: string }): Promise<Evaluation> {
    const { run_id: runId, ...body } = input;
    const own = runId === caller.runId;
    this.assertMaySubmit(caller, own);
    const run = await this.requireRun(runId, caller.tenantId);
    return this.insert({ run, body, role: own ? "self" : "other", emitter: caller });
  }

  async get(caller: EvaluationCaller, evalId: string): Promise<Evaluation> {
    const evaluation = await this.deps.store.evaluations.get(evalId);
    if (evaluation === null || evaluation.tenant_id !== caller.tenantId) {
      throw new AppError("NOT_FOUND", `evaluation ${JSON.stringify(evalId)} not found`, { details: { field: "eval_id" } });
    }
    this.assertMayRead(caller, evaluation.run_id);
    return evaluation;
  }

  async listForRun(caller: EvaluationCaller, input: { run_id: string; limit: number }): Promise<EvaluationPage> {
    this.assertMayRead(caller, input.run_id);
    await this.requireRun(input.run_id, caller.tenantId);
    return this.deps.store.evaluations.listForRun(input.run_id, input.limit);
  }

  private scopes(caller: EvaluationCaller): readonly EvaluationScope[] {
    return this.deps.agents.get(caller.agent, caller.tenantId).evaluation_scopes;
  }

  private assertMaySubmit(caller: EvaluationCaller, own: boolean): void {
    const scopes = this.scopes(caller);
    if (scopes.includes("submit_any") || (own && scopes.includes("submit_self"))) return;
    throw new AppError("INVALID_ARGUMENT", submitRefusal(caller.agent, own, scopes), { details: { field: "run_id", reason: "denied" } });
  }

  /** Reading one's own run's evaluations needs no grant; any other run's needs `read_any`. */
  private assertMayRead(caller: EvaluationCaller, runId: string): void {
    if (runId === caller.runId || this.scopes(caller).includes("read_any")) return;
    throw new AppError(
      "INVALID_ARGUMENT",
      `agent "${caller.agent}" may read only its own run's evaluations; add read_any to its evaluation_scopes to read run ${runId}'s`,
      { details: { field: "run_id", reason: "denied" } },
    );
  }

  /** The tenant's run, or NOT_FOUND: a run of another tenant reads exactly like a missing one. */
  private async requireRun(runId: string, tenantId: string): Promise<Run> {
    const run = await this.deps.store.tenantScoped.getRun(tenantId, runId);
    if (run === null) {
      throw new AppError("NOT_FOUND", `run ${JSON.stringify(runId)} not found`, { details: { field: "run_id" } });
    }
    return run;
  }

  private insert(options: { run: Run; body: EvaluationBody; role: EmitterRole; emitter: EvaluationCaller | null }): Promise<Evaluation> {
    const { run, body, emitter } = options;
    return this.deps.store.evaluations.insert({
      eval_id: newId("eval"),
      run_id: run.id,
      tenant_id: run.tenant_id,
      score: body.score,
      dimensions: body.dimensions,
      judgement: body.judgement ?? null,
      rationale: body.rationale ?? null,
      emitter_role: options.role,
      emitter_agent_id: emitter?.agentId ?? null,
      emitter_run_id: emitter?.runId ?? null,
    });
  }
}

/** Why a submit was refused, and which grant would allow it. */
function submitRefusal(agent: string, own: boolean, scopes: readonly EvaluationScope[]): string {
  if (own) return `agent "${agent}" may not evaluate its own run; add submit_self (or submit_any) to its evaluation_scopes`;
  const descendants = scopes.includes("submit_descendants")
    ? "submit_descendants is not supported yet (sub-agent lineage is not built), so it does not cover this run; "
    : "";
  return `agent "${agent}" may not evaluate other runs: ${descendants}add submit_any to its evaluation_scopes`;
}
