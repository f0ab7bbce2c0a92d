import { z } from "zod";
import { DEFAULT_EVALUATION_LIST_LIMIT, EvaluationBody, MAX_EVALUATION_LIST_LIMIT, isAppError } from "../../../domain/index.ts";
import type { Evaluation } from "../../../domain/index.ts";
import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { isRefusal, parseInput, refuse, succeed } from "../fs/tool-input.ts";
import type { EvaluationCaller, EvaluationPort } from "./evaluation-port.ts";

const RunId = z.string().min(1, "must name a run");

const EvaluationInput = z.discriminatedUnion("op", [
  EvaluationBody.extend({ op: z.literal("submit"), run_id: RunId.optional() }),
  z.strictObject({ op: z.literal("get"), eval_id: z.string().min(1, "must name an evaluation") }),
  z.strictObject({
    op: z.literal("list_for_run"),
    run_id: RunId,
    limit: z.number().int().min(1).max(MAX_EVALUATION_LIST_LIMIT).default(DEFAULT_EVALUATION_LIST_LIMIT),
  }),
]);
type EvaluationInput = z.infer<typeof EvaluationInput>;

const SCORE = { type: "number", minimum: 0, maximum: 1 } as const;

const INPUT_SCHEMA = {
  type: "object",
  properties: {
    op: { type: "string", enum: ["submit", "get", "list_for_run"], description: "submit a score, get one evaluation, or list a run's evaluations." },
    run_id: { type: "string", description: "submit: the run being evaluated (default: your own run); list_for_run: whose evaluations to list." },
    score: { ...SCORE, description: "submit: overall score, 0 (worst) to 1 (best)." },
    dimensions: { type: "object", additionalProperties: SCORE, description: "submit: per-criterion scores, 0..1, e.g. {\"accuracy\": 0.9}." },
    judgement: { type: "string", maxLength: 200, description: "submit: a short verdict, e.g. pass / fail." },
    rationale: { type: "string", description: "submit: why this score." },
    eval_id: { type: "string", description: "get: the evaluation's id." },
    limit: { type: "integer", minimum: 1, maximum: MAX_EVALUATION_LIST_LIMIT, description: `list_for_run: most evaluations returned (default ${DEFAULT_EVALUATION_LIST_LIMIT}).` },
  },
  required: ["op"],
  additionalProperties: false,
} as const;

/** The wire form of an evaluation (dates as ISO-8601). */
export function evaluationJson(evaluation: Evaluation): Record<string, unknown> {
  return { ...evaluation, created_at: evaluation.created_at.toISOString() };
}

function callerOf(context: ToolContext): EvaluationCaller {
  return { runId: context.runId, tenantId: context.tenantId, agent: context.agent, agentId: context.agentId };
}

async function dispatch(port: EvaluationPort, caller: EvaluationCaller, request: EvaluationInput): Promise<unknown> {
  if (request.op === "get") return evaluationJson(await port.get(caller, request.eval_id));
  if (request.op === "list_for_run") {
    const page = await port.listForRun(caller, { run_id: request.run_id, limit: request.limit });
    return { evaluations: page.evaluations.map(evaluationJson), total: page.total };
  }
  const { op: _op, run_id: runId, ...body } = request;
  return evaluationJson(await port.submit(caller, { ...body, run_id: runId ?? caller.runId }));
}

/**
 * Evaluation: an agent scores a run (its own with `submit_self`, any with `submit_any`) and
 * reads evaluations (its own run's freely, others' with `read_any`). The gate lives in the
 * service behind `port`; a refusal comes back as a tool error naming the missing grant.
 */
export function createEvaluationTool(port: EvaluationPort): Tool {
  return {
    name: "Evaluation",
    // submit records a new evaluation each time; get and list_for_run read.
    idempotent: (input) => input["op"] !== "submit",
    description:
      "Score a run and read scores. op=submit {run_id (default: this run), score 0..1, dimensions, judgement, rationale} records an evaluation; " +
      "op=get {eval_id}; op=list_for_run {run_id, limit}. What you may do depends on your agent's evaluation_scopes.",
    inputSchema: INPUT_SCHEMA,
    async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
      if (!["submit", "get", "list_for_run"].includes(String(input["op"]))) {
        return refuse(`Evaluation: unknown op ${JSON.stringify(input["op"])}; supported: submit, get, list_for_run`);
      }
      const request = parseInput("Evaluation", EvaluationInput, input);
      if (isRefusal(request)) return request;
      try {
        return succeed(JSON.stringify(await dispatch(port, callerOf(context), request)));
      } catch (error) {
        if (isAppError(error) && error.code !== "INTERNAL") return refuse(`Evaluation: ${error.message}`);
        return refuse("Evaluation: failed with an internal error; try again later");
      }
    },
  };
}
