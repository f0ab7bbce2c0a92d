import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./load.ts";

const BASE = { LOOMCYCLE_DATABASE_URL: "postgres://postgres@127.0.0.1:5432/loomcycle" };

function issues(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("fills the documented defaults and freezes the result", () => {
    const config = loadConfig({ ...BASE, POD_NAMESPACE: "platform" });
    expect(config).toMatchObject({
      controllerNamespace: "platform",
      leaderElection: { enabled: true, leaseName: "loomcycle-controller", leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      probe: { host: "0.0.0.0", port: 8081 },
      resyncMs: 300_000,
      watchNamespace: "",
      logLevel: "info",
      injector: { enabled: true, listen: { host: "0.0.0.0", port: 9443 } },
    });
    expect(config.controllerId).toMatch(/-\d+$/);
    expect(Object.isFrozen(config.leaderElection)).toBe(true);
    expect(loadConfig({ ...BASE, POD_NAMESPACE: "platform", LOOMCYCLE_CONTROLLER_NAMESPACE: "mine" }).controllerNamespace).toBe("mine");
    expect(loadConfig(BASE).controllerNamespace).toBe("loomcycle-system");
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ ...BASE, LOOMCYCLE_PROBE_ADDR: "", LOOMCYCLE_LEADER_ELECT: "" }).leaderElection.enabled).toBe(true);
  });

  it("names every bad variable, what it expected and what it got", () => {
    const found = issues({ LOOMCYCLE_PROBE_ADDR: "8081", LOOMCYCLE_LEADER_ELECT: "yes", LOOMCYCLE_LOG_LEVEL: "loud", LOOMCYCLE_WEBHOOK_CERT_MODE: "acme" });
    expect(found).toContain("LOOMCYCLE_DATABASE_URL: required but not set (e.g. LOOMCYCLE_DATABASE_URL=postgres://user:password@host:5432/loomcycle)");
    expect(found).toContain('LOOMCYCLE_PROBE_ADDR: expected host:port (e.g. 0.0.0.0:8081), got "8081"');
    expect(found).toContain('LOOMCYCLE_LEADER_ELECT: expected "true" or "false", got "yes"');
    expect(found.some((issue) => issue.startsWith("LOOMCYCLE_LOG_LEVEL: expected fatal, error"))).toBe(true);
    expect(found.some((issue) => issue.startsWith("LOOMCYCLE_WEBHOOK_CERT_MODE:"))).toBe(true);
  });

  it("refuses lease timings client-go would refuse", () => {
    expect(issues({ ...BASE, LOOMCYCLE_LEASE_DURATION_MS: "4000", LOOMCYCLE_LEASE_RENEW_DEADLINE_MS: "5000" })).toEqual([
      "LOOMCYCLE_LEASE_RENEW_DEADLINE_MS: must be less than LOOMCYCLE_LEASE_DURATION_MS (4000), got 5000",
    ]);
    expect(issues({ ...BASE, LOOMCYCLE_LEASE_RETRY_MS: "10000" })[0]).toMatch(/^LOOMCYCLE_LEASE_RETRY_MS: must be less than/);
  });
});
