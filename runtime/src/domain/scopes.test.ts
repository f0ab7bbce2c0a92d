import { describe, expect, it } from "vitest";
import { SCOPES, effectiveScopes, grantsScope, isScope } from "./scopes.ts";

describe("scope catalog", () => {
  it("admin implies every scope; tenant implies the run and channel scopes but not admin", () => {
    for (const scope of SCOPES) expect(grantsScope(["substrate:admin"], scope)).toBe(true);
    expect(grantsScope(["substrate:tenant"], "runs:create")).toBe(true);
    expect(grantsScope(["substrate:tenant"], "substrate:admin")).toBe(false);
    expect(grantsScope(["substrate:user"], "channel:publish")).toBe(false);
  });

  it("a plain scope implies nothing else", () => {
    expect([...effectiveScopes(["runs:read"])]).toEqual(["runs:read"]);
    expect(grantsScope(["runs:read"], "runs:create")).toBe(false);
  });

  it("knows the closed catalog", () => {
    expect(isScope("runs:create")).toBe(true);
    expect(isScope("memory:write")).toBe(false);
  });
});
