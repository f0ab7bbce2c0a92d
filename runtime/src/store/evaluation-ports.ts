import type { Evaluation } from "../domain/index.ts";

/** An evaluation to store; the store stamps `created_at`. */
export type NewEvaluation = Omit<Evaluation, "created_at">;

/** The storage port of evaluations (`Store.evaluations`). */
export interface EvaluationStore {
  insert(evaluation: NewEvaluation): Promise<Evaluation>;
  get(evalId: string): Promise<Evaluation | null>;
  /** A run's evaluations, newest first, at most `limit`, and how many the run has in all. */
  listForRun(runId: string, limit: number): Promise<{ evaluations: Evaluation[]; total: number }>;
}
