export { createAgentTool } from "./agent-tool.ts";
export { MAX_PARALLEL_SPAWNS } from "./agent-input.ts";
export type { ChildOutcome, ChildSpec, SpawnRequest, SubAgentPort } from "./sub-agent-port.ts";
