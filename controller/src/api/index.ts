export { API_VERSION, CATEGORY, GROUP, VERSION } from "./group.ts";
export { A2A_AGENT, A2A_SERVER_CARD } from "./a2a-agent.ts";
export { AGENT } from "./agent.ts";
export { MEMORY_BACKEND } from "./memory-backend.ts";
export { MCP_SERVER } from "./mcp-server.ts";
export { SCHEDULE } from "./schedule.ts";
export { SKILL } from "./skill.ts";
export { WEBHOOK } from "./webhook.ts";
export { Condition, DefinitionStatus } from "./status.ts";
export { SecretKeySelector, ValueFromSecret, ValuesFromSecrets } from "./secret-ref.ts";
export type { CelRule, KindInfo } from "./kind-info.ts";
import { A2A_AGENT, A2A_SERVER_CARD } from "./a2a-agent.ts";
import { AGENT } from "./agent.ts";
import { MEMORY_BACKEND } from "./memory-backend.ts";
import { MCP_SERVER } from "./mcp-server.ts";
import { SCHEDULE } from "./schedule.ts";
import { SKILL } from "./skill.ts";
import { WEBHOOK } from "./webhook.ts";

/** Every kind the controller serves, in the order crds/ lists them. */
export const KINDS = [AGENT, SKILL, MCP_SERVER, SCHEDULE, WEBHOOK, MEMORY_BACKEND, A2A_AGENT, A2A_SERVER_CARD] as const;
