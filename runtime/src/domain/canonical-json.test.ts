import { describe, expect, it } from "vitest";
import { canonicalJson, contentSha256 } from "./canonical-json.ts";

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it("gives the same hash for the same content in any field order, and a different one for different content", () => {
    const one = contentSha256({ name: "writer", tools: ["Read"], system_prompt: "Write." });
    const two = contentSha256({ system_prompt: "Write.", tools: ["Read"], name: "writer" });
    expect(one).toBe(two);
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(contentSha256({ name: "writer", tools: ["Read", "Write"], system_prompt: "Write." })).not.toBe(one);
  });

  it("keeps array order (tool order is content) and escapes strings as JSON does", () => {
    expect(canonicalJson(["b", "a"])).toBe('["b","a"]');
    expect(canonicalJson({ "é\n": "\u2028" })).toBe(JSON.stringify({ "é\n": "\u2028" }));
  });

  it("refuses values JSON cannot round-trip", () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
  });
});
