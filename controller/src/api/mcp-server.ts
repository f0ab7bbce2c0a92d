import { NAME_IMMUTABLE } from "./kind-info.ts";
import type { KindInfo } from "./kind-info.ts";

/** MCPServer: an MCP server agents use as a tool source (the runtime's McpServerDef refine, in CEL). */
export const MCP_SERVER: KindInfo = {
  kind: "MCPServer",
  plural: "mcpservers",
  singular: "mcpserver",
  definitionKind: "mcpserver",
  description: "An MCP server loomcycle agents use as a tool source. The spec is the runtime's mcpserver definition.",
  rules: [
    NAME_IMMUTABLE,
    {
      rule: "self.transport == 'stdio' || has(self.url)",
      message: "an http server needs url",
      fieldPath: ".url",
      reason: "FieldValueRequired",
    },
    {
      rule: "self.transport != 'stdio' || has(self.command)",
      message: "a stdio server needs command",
      fieldPath: ".command",
      reason: "FieldValueRequired",
    },
  ],
};
