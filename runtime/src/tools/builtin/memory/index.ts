export { createMemoryTool } from "./memory-tool.ts";
export type { MemoryPort } from "./memory-port.ts";
