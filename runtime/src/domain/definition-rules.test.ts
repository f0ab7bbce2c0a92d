import { describe, expect, it } from "vitest";
import { definitionSha256, parseDefinition, patternCovers, uncoveredEntries } from "./definition-rules.ts";

describe("tool ceilings", () => {
  it("covers exact names and prefix globs, including narrower globs", () => {
    expect(patternCovers("Read", "Read")).toBe(true);
    expect(patternCovers("mcp__x__*", "mcp__x__y")).toBe(true);
    expect(patternCovers("mcp__*", "mcp__x__*")).toBe(true);
    expect(patternCovers("mcp__x__*", "mcp__*")).toBe(false);
    expect(patternCovers("mcp__x__y", "mcp__x__*")).toBe(false);
    expect(patternCovers("Read", "ReadMore")).toBe(false);
  });

  it("names what a proposed list adds", () => {
    expect(uncoveredEntries(["Context", "mcp__docs__*"], ["Context", "mcp__docs__search", "Bash", "*"])).toEqual(["Bash", "*"]);
    expect(uncoveredEntries([], [])).toEqual([]);
  });
});

describe("content addressing", () => {
  const parsed = (value: unknown): Record<string, unknown> => {
    const result = parseDefinition("agent", value);
    if (!result.success) throw result.error;
    return result.data;
  };

  it("hashes parsed content: defaults filled, field order and ACL fields ignored", () => {
    const plain = definitionSha256("agent", parsed({ name: "a", tools: [], model: "m" }));
    expect(definitionSha256("agent", parsed({ model: "m", name: "a" }))).toBe(plain);
    expect(definitionSha256("agent", parsed({ name: "a", model: "m", skills: ["x"], agent_def_scopes: ["any"] }))).toBe(plain);
    expect(definitionSha256("agent", parsed({ name: "a", model: "m", tools: ["Read"] }))).not.toBe(plain);
    expect(plain).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keeps skill tools in the hash (they are content, not authority)", () => {
    const skill = (tools: string[]): string => {
      const result = parseDefinition("skill", { name: "s", body: "b", tools });
      if (!result.success) throw result.error;
      return definitionSha256("skill", result.data);
    };
    expect(skill(["Read"])).not.toBe(skill([]));
  });

  it("refuses unknown agent fields and bad agent_def_scopes", () => {
    expect(parseDefinition("agent", { name: "a", toolz: [] }).success).toBe(false);
    expect(parseDefinition("agent", { name: "a", agent_def_scopes: ["everyone"] }).success).toBe(false);
    expect(parseDefinition("agent", { name: "a", agent_def_scopes: ["self", "named:b", "any"] }).success).toBe(true);
  });
});
