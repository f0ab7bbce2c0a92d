export { createAgentDefTool, createDefinitionTool } from "./definition-tool.ts";
export type { DefinitionPort, DefinitionToolCaller } from "./definition-port.ts";
