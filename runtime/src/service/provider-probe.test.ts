import { describe, expect, it } from "vitest";
import { ProviderRegistry } from "../providers/index.ts";
import type { ModelLister } from "../providers/index.ts";
import { ProviderHealth } from "./provider-health.ts";
import { ProviderProbe } from "./provider-probe.ts";

/** A probe over providers whose listers the test swaps between calls. */
function setup(): { probe: ProviderProbe; health: ProviderHealth; listers: Map<string, ModelLister> } {
  const listers = new Map<string, ModelLister>();
  const registry = new ProviderRegistry();
  for (const id of ["up", "flaky"]) registry.register(id, () => null, { listModels: (signal) => (listers.get(id) as ModelLister)(signal) });
  const health = new ProviderHealth();
  const endpoints = [
    { id: "up", enabled: true },
    { id: "flaky", enabled: true },
    { id: "keyless", enabled: false },
  ];
  return { probe: new ProviderProbe({ endpoints, registry, health, timeoutMs: 50 }), health, listers };
}

describe("ProviderProbe", () => {
  it("starts unknown, then records listed models, failures and excluded providers", async () => {
    const { probe, health, listers } = setup();
    expect(probe.snapshot().providers["up"]).toEqual({ excluded: false, reachable: null, models: {}, last_check: null, last_error: null });
    listers.set("up", () => Promise.resolve(["b-model", "a-model"]));
    listers.set("flaky", () => Promise.reject(new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:9") })));
    await probe.probeAll();
    const matrix = probe.snapshot();
    expect(matrix.providers["up"]).toMatchObject({ reachable: true, models: { "a-model": { listed: true }, "b-model": { listed: true } }, last_error: null });
    expect(matrix.providers["up"]?.last_check).toEqual(expect.any(String));
    expect(matrix.providers["flaky"]).toMatchObject({ reachable: false, last_error: "fetch failed: connect ECONNREFUSED 127.0.0.1:9" });
    expect(matrix.providers["keyless"]).toEqual({ excluded: true, reachable: null, models: {}, last_check: null, last_error: null });
    expect(matrix.health).toEqual({ flaky: { state: "unreachable", until: null } });
    expect(health.isAvailable("flaky")).toBe(false);
  });

  it("clears the unreachable mark when a later probe succeeds", async () => {
    const { probe, health, listers } = setup();
    listers.set("up", () => Promise.resolve([]));
    listers.set("flaky", () => Promise.reject(new Error("down")));
    await probe.probeAll();
    listers.set("flaky", () => Promise.resolve(["m"]));
    await probe.probeAll();
    expect(probe.snapshot().providers["flaky"]).toMatchObject({ reachable: true, models: { m: { listed: true } }, last_error: null });
    expect(health.isAvailable("flaky")).toBe(true);
  });

  it("keeps a call's rate-limit mark when the probe reaches the provider, and a call's success clears the probe's mark", async () => {
    const { probe, health, listers } = setup();
    listers.set("up", () => Promise.resolve([]));
    listers.set("flaky", () => Promise.resolve([]));
    health.markRateLimited("up", 60_000);
    await probe.probeAll();
    expect(health.isAvailable("up")).toBe(false);
    health.markUnreachable("flaky");
    health.clear("flaky");
    expect(health.isAvailable("flaky")).toBe(true);
  });

  it("counts a provider that does not answer within the timeout as unreachable", async () => {
    const { probe, listers } = setup();
    listers.set("up", (signal) => new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error))));
    listers.set("flaky", () => Promise.resolve([]));
    await probe.probeAll();
    expect(probe.snapshot().providers["up"]).toMatchObject({ reachable: false, last_error: "no answer within 50 ms" });
  });

  it("joins a round already running instead of probing twice", async () => {
    const { probe, listers } = setup();
    let calls = 0;
    listers.set("up", async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return [];
    });
    listers.set("flaky", () => Promise.resolve([]));
    await Promise.all([probe.probeAll(), probe.probeAll()]);
    expect(calls).toBe(1);
  });
});
