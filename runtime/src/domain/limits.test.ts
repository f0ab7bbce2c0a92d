import { describe, expect, it } from "vitest";
import { monthStartUtc, reachedLimits, secondsToNextMonthUtc } from "./limits.ts";
import type { TokenLimitUsage } from "./limits.ts";

function budget(fields: Partial<TokenLimitUsage>): TokenLimitUsage {
  return { tenant_id: "t", scope: "user", scope_id: "u1", soft_limit: null, hard_limit: null, updated_at: new Date(0), updated_by: "admin", used: 0, ...fields };
}

describe("the monthly budget window (UTC)", () => {
  it("starts on the 1st at 00:00 UTC, whatever the local time zone", () => {
    expect(monthStartUtc(new Date("2026-11-25T08:00:00Z")).toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(monthStartUtc(new Date("2026-12-01T00:00:00Z")).toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });

  it("counts Retry-After to the next month, across a year end, at least 1 s", () => {
    expect(secondsToNextMonthUtc(new Date("2026-12-31T23:59:00Z"))).toBe(60);
    expect(secondsToNextMonthUtc(new Date("2026-11-30T23:59:59.500Z"))).toBe(1);
    expect(secondsToNextMonthUtc(new Date("2026-02-01T00:00:00Z"))).toBe(28 * 24 * 3600);
  });
});

describe("reachedLimits", () => {
  it("reports each set tier the usage reached, soft before hard, with a message saying what happens", () => {
    const notices = reachedLimits(budget({ soft_limit: 10, hard_limit: 20, used: 25 }));
    expect(notices.map((notice) => [notice.severity, notice.limit, notice.used, notice.window])).toEqual([
      ["soft", 10, 25, "month"],
      ["hard", 20, 25, "month"],
    ]);
    expect(notices[0]?.message).toBe("user u1 used 25 of its soft monthly budget of 10 tokens; this run goes on");
    expect(notices[1]?.message).toContain("new runs are refused until the next month");
  });

  it("reports nothing below a tier or for an unset tier; reaching it exactly counts", () => {
    expect(reachedLimits(budget({ soft_limit: 10, used: 9 }))).toEqual([]);
    expect(reachedLimits(budget({ used: 1_000_000 }))).toEqual([]);
    expect(reachedLimits(budget({ scope: "tenant", scope_id: "t", hard_limit: 5, used: 5 })).map((notice) => notice.severity)).toEqual(["hard"]);
  });
});
