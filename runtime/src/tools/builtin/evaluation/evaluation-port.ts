import type { Evaluation, EvaluationBody } from "../../../domain/index.ts";

/** Who is calling the Evaluation tool: the run the tool call belongs to. */
export interface EvaluationCaller {
  runId: string;
  tenantId: string;
  /** The agent's name, whose `evaluation_scopes` gate the call. */
  agent: string;
  agentId: string;
}

/**
 * What the Evaluation tool needs from the application (implemented by the service's
 * EvaluationService). Every method enforces the caller's `evaluation_scopes` and throws an
 * AppError whose message says why a call was refused or failed.
 */
export interface EvaluationPort {
  submit(caller: EvaluationCaller, input: EvaluationBody & { run_id: string }): Promise<Evaluation>;
  get(caller: EvaluationCaller, evalId: string): Promise<Evaluation>;
  listForRun(caller: EvaluationCaller, input: { run_id: string; limit: number }): Promise<{ evaluations: Evaluation[]; total: number }>;
}
