export { createEvaluationTool, evaluationJson } from "./evaluation-tool.ts";
export type { EvaluationCaller, EvaluationPort } from "./evaluation-port.ts";
