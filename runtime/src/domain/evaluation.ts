import { z } from "zod";

/**
 * An evaluation: a score someone gave a run (loomcycle's `evaluations` row). Scores are
 * normalized to 0..1 (0 = worst, 1 = best) so evaluations from different emitters aggregate;
 * `dimensions` break the score down by named criterion on the same 0..1 scale.
 */

/** Who submitted it, derived server-side: the run itself, another run (an agent), or an app over HTTP. */
export const EMITTER_ROLES = ["self", "other", "api"] as const;
export type EmitterRole = (typeof EMITTER_ROLES)[number];

/** Most named dimensions per evaluation, and the longest judgement and rationale kept. */
export const MAX_EVALUATION_DIMENSIONS = 32;
export const MAX_JUDGEMENT_CHARS = 200;
export const MAX_RATIONALE_CHARS = 16_000;
/** `list_for_run` default and ceiling. */
export const DEFAULT_EVALUATION_LIST_LIMIT = 50;
export const MAX_EVALUATION_LIST_LIMIT = 500;

const Score = z.number().min(0, "expected a number between 0 and 1").max(1, "expected a number between 0 and 1");

/** What an emitter says about a run (shared by the `Evaluation` tool and `POST /v1/runs/{id}/evaluations`). */
export const EvaluationBody = z.strictObject({
  score: Score,
  dimensions: z
    .record(z.string().min(1).max(64), Score)
    .refine((value) => Object.keys(value).length <= MAX_EVALUATION_DIMENSIONS, `at most ${MAX_EVALUATION_DIMENSIONS} dimensions`)
    .default({}),
  judgement: z.string().max(MAX_JUDGEMENT_CHARS).optional(),
  rationale: z.string().max(MAX_RATIONALE_CHARS).optional(),
});
export type EvaluationBody = z.infer<typeof EvaluationBody>;

/** A stored evaluation. */
export interface Evaluation {
  eval_id: string;
  run_id: string;
  tenant_id: string;
  score: number;
  dimensions: Record<string, number>;
  judgement: string | null;
  rationale: string | null;
  emitter_role: EmitterRole;
  emitter_agent_id: string | null;
  emitter_run_id: string | null;
  created_at: Date;
}
