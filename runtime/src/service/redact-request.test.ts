import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../providers/index.ts";
import { createRedactor } from "./redact-request.ts";

const request = (text: string): ModelRequest => ({
  system: `system ${text}`,
  messages: [
    { role: "user", content: [{ type: "text", text }] },
    { role: "assistant", content: [{ type: "tool_use", id: "t", name: "T", input: { key: text } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t", text, is_error: false }] },
  ],
  tools: [],
  maxTokens: 0,
  metadata: {},
});

describe("createRedactor", () => {
  it("masks configured values and key shapes everywhere, on a copy", () => {
    const keys = "hunter2-value sk-ant-abcdefghijklmnopqrstuv AKIAABCDEFGHIJKLMNOP ghp_abcdefghijklmnopqrstuvwxyz xoxb-1234567890-abc github_pat_abcdefghijklmnopqrstuvwx";
    const original = request(keys);
    const redacted = createRedactor({ values: ["hunter2-value"], patterns: true })(original);
    const body = JSON.stringify(redacted);
    for (const secret of keys.split(" ")) expect(body).not.toContain(secret);
    expect(JSON.stringify(original)).toContain("hunter2-value");
  });

  it("masks PEM private key blocks, and leaves key shapes when patterns is off", () => {
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----";
    expect(JSON.stringify(createRedactor({ values: [], patterns: true })(request(pem)))).not.toContain("MIIabc");
    expect(JSON.stringify(createRedactor({ values: [], patterns: false })(request("sk-abcdefghijklmnopqrstu")))).toContain("sk-abcdefghijklmnopqrstu");
  });
});
