/**
 * tools/builtin/interruption/: the `Interruption` tool (human in the loop) and the port it reaches
 * the service through. May import domain/ and tools/tool.ts only.
 */
export { createInterruptionTool } from "./interruption-tool.ts";
export type { AskInput, AskOutcome, InterruptionPort, Refusal } from "./interruption-port.ts";
