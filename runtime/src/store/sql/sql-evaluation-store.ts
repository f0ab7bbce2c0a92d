import { AppError, EMITTER_ROLES } from "../../domain/index.ts";
import type { EmitterRole, Evaluation } from "../../domain/index.ts";
import type { EvaluationStore, NewEvaluation } from "../evaluation-ports.ts";
import { loadSql } from "./load-sql.ts";
import type { SqlExecutor } from "./sql-client.ts";

/** An `evaluations` row as both drivers return it. */
interface EvaluationRow {
  eval_id: string;
  run_id: string;
  tenant_id: string;
  score: number | string;
  dimensions: unknown;
  judgement: string | null;
  rationale: string | null;
  emitter_role: string;
  emitter_agent_id: string | null;
  emitter_run_id: string | null;
  created_at: Date;
  total?: number | string;
}

function emitterRole(row: EvaluationRow): EmitterRole {
  const role = EMITTER_ROLES.find((candidate) => candidate === row.emitter_role);
  if (role === undefined) throw new AppError("INTERNAL", `evaluation ${row.eval_id} has emitter_role ${row.emitter_role}`);
  return role;
}

function dimensions(row: EvaluationRow): Record<string, number> {
  const value = row.dimensions;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([name, score]) => [name, Number(score)]));
}

function mapEvaluationRow(row: EvaluationRow): Evaluation {
  return {
    eval_id: row.eval_id,
    run_id: row.run_id,
    tenant_id: row.tenant_id,
    score: Number(row.score),
    dimensions: dimensions(row),
    judgement: row.judgement,
    rationale: row.rationale,
    emitter_role: emitterRole(row),
    emitter_agent_id: row.emitter_agent_id,
    emitter_run_id: row.emitter_run_id,
    created_at: row.created_at,
  };
}

/** Evaluations over the SQL layer (Postgres and PGlite run the same statements). */
export class SqlEvaluationStore implements EvaluationStore {
  private readonly client: SqlExecutor;

  constructor(client: SqlExecutor) {
    this.client = client;
  }

  async insert(evaluation: NewEvaluation): Promise<Evaluation> {
    const params = [
      evaluation.eval_id,
      evaluation.run_id,
      evaluation.tenant_id,
      evaluation.score,
      JSON.stringify(evaluation.dimensions),
      evaluation.judgement,
      evaluation.rationale,
      evaluation.emitter_role,
      evaluation.emitter_agent_id,
      evaluation.emitter_run_id,
    ];
    const rows = await this.client.query<EvaluationRow>(loadSql("insert_evaluation"), params);
    const row = rows[0];
    if (row === undefined) throw new AppError("INTERNAL", "insert_evaluation returned no row");
    return mapEvaluationRow(row);
  }

  async get(evalId: string): Promise<Evaluation | null> {
    const rows = await this.client.query<EvaluationRow>(loadSql("select_evaluation"), [evalId]);
    return rows[0] === undefined ? null : mapEvaluationRow(rows[0]);
  }

  async listForRun(runId: string, limit: number): Promise<{ evaluations: Evaluation[]; total: number }> {
    const rows = await this.client.query<EvaluationRow>(loadSql("list_run_evaluations"), [runId, limit]);
    return { evaluations: rows.map(mapEvaluationRow), total: Number(rows[0]?.total ?? 0) };
  }
}
