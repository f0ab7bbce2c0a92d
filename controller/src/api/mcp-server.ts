import { NAME_IMMUTABLE } from "./kind-info.ts";
import type { KindInfo } from "./kind-info.ts";

/**
 * MCPServer: an MCP server agents use as a tool source (the runtime's McpServerDef refine, in CEL).
 * `headersFrom` / `envFrom` take header and env values from Secrets in the object's namespace.
 */
export const MCP_SERVER: KindInfo = {
  kind: "MCPServer",
  plural: "mcpservers",
  singular: "mcpserver",
  definitionKind: "mcpserver",
  description: "An MCP server loomcycle agents use as a tool source. The spec is the runtime's mcpserver definition.",
  secretFields: { headersFrom: "headers", envFrom: "env" },
  rules: [
    NAME_IMMUTABLE,
    {
      rule: "!has(self.headersFrom) || !has(self.headers) || self.headersFrom.all(entry, !(entry.name in self.headers))",
      message: "a header is set either in headers or in headersFrom, not both",
      fieldPath: ".headersFrom",
      reason: "FieldValueForbidden",
    },
    {
      rule: "!has(self.envFrom) || !has(self.env) || self.envFrom.all(entry, !(entry.name in self.env))",
      message: "a variable is set either in env or in envFrom, not both",
      fieldPath: ".envFrom",
      reason: "FieldValueForbidden",
    },
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
