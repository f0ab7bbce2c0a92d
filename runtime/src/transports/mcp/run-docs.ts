import type { Run } from "../../domain/index.ts";
import { toRunResult } from "../http/index.ts";

/**
 * The documents the MCP tools answer are the HTTP answers of the route each tool mirrors
 * (transports/http/contract.ts: toRunStatus, toRunResult, toTranscript), so both wires say the
 * same JSON. Only spawn_run's differs: `status` is "timeout" when the wait ran out first.
 */
export function runResultDoc(run: Run, finalText: string, timedOut: boolean): Record<string, unknown> {
  const result = toRunResult({ run, finalText });
  return { ...result, status: timedOut ? "timeout" : result.status };
}

export { toRunStatus as runStatusDoc, toTranscript as transcriptDoc } from "../http/index.ts";
