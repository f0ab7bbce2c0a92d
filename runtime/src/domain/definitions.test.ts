import { describe, expect, it } from "vitest";
import { DEFINITION_KINDS, DEFINITION_SCHEMAS, McpServerDef, WebhookDef } from "./definitions.ts";

describe("definition schemas", () => {
  it("cover every versioned kind", () => {
    expect(DEFINITION_KINDS).toEqual(["agent", "skill", "mcpserver", "schedule", "webhook", "memorybackend", "a2aagent", "a2aservercard"]);
  });

  it("fill defaults so equal content parses to equal objects", () => {
    const skill = DEFINITION_SCHEMAS.skill.parse({ name: "review/security", body: "Check inputs." });
    expect(skill).toEqual({ name: "review/security", description: "", body: "Check inputs.", tools: [] });
  });

  it("refuse an MCP server without its endpoint and a webhook without its target, saying which", () => {
    const mcp = McpServerDef.safeParse({ name: "docs", transport: "http" });
    expect(mcp.success).toBe(false);
    expect(mcp.error?.issues[0]?.message).toContain("needs `url`");
    const hook = WebhookDef.safeParse({ name: "gh", delivery: "spawn", auth: { kind: "hmac" } });
    expect(hook.error?.issues[0]?.message).toContain("needs `agent`");
  });

  it("take environment variable names, never values, for secrets", () => {
    const result = WebhookDef.safeParse({ name: "gh", delivery: "channel", channel: "events", auth: { kind: "hmac", signing_secret_env: "s3cr3t-value" } });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues[0]?.path)).toContain("signing_secret_env");
  });
});
