import type { ToolContext } from "../../src/tools/index.ts";

/**
 * A ToolContext for a tool test: a run with no tools, no sandbox and no signal, with the given
 * fields replaced. `emitted` collects what the tool emits.
 */
export function toolContext(overrides: Partial<ToolContext> = {}): ToolContext & { emitted: unknown[] } {
  const emitted: unknown[] = [];
  return {
    runId: "run_test",
    sessionId: "ses_test",
    tenantId: "default",
    agent: "tester",
    agentId: "agt_test",
    userId: null,
    callId: "toolu_test",
    tools: [],
    signal: new AbortController().signal,
    requestCompaction: () => undefined,
    emit: (event) => emitted.push(event),
    policy: { volumes: [], allowedHosts: [], privateHosts: [] },
    ...overrides,
    emitted,
  };
}
