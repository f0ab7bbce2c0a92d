import { describe, expect, it } from "vitest";
import { readEnv } from "./env.ts";
import type { ConfigIssue } from "./format-issues.ts";

describe("probe interval and provider queue timeout variables", () => {
  it("default to 15 min and 30 s", () => {
    const settings = readEnv({}, []);
    expect(settings.LOOMCYCLE_RESOLVE_PROBE_INTERVAL_MS).toBe(900_000);
    expect(settings.LOOMCYCLE_PROVIDER_QUEUE_TIMEOUT_MS).toBe(30_000);
  });

  it("refuse a probe interval above one hour, naming the variable", () => {
    const issues: ConfigIssue[] = [];
    readEnv({ LOOMCYCLE_RESOLVE_PROBE_INTERVAL_MS: "7200000", LOOMCYCLE_PROVIDER_QUEUE_TIMEOUT_MS: "250" }, issues);
    expect(issues).toEqual([{ path: "LOOMCYCLE_RESOLVE_PROBE_INTERVAL_MS", message: expect.stringContaining("at most 3600000") }]);
    expect(readEnv({ LOOMCYCLE_PROVIDER_QUEUE_TIMEOUT_MS: "250" }, []).LOOMCYCLE_PROVIDER_QUEUE_TIMEOUT_MS).toBe(250);
  });
});
