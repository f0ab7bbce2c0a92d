import { describe, expect, it } from "vitest";
import { nextStatus, sameStatus } from "./definition-status.ts";

const T0 = new Date("2026-11-25T10:00:00.123Z");
const T1 = new Date("2026-11-25T11:00:00.000Z");

describe("nextStatus", () => {
  it("says Ready=True with the definition on success, Reconciling and Stalled False (kstatus Current)", () => {
    const status = nextStatus(undefined, { state: "ready", definitionId: "def_1", version: 1, tenant: "acme", message: "active" }, { generation: 3, now: T0 });
    expect(status).toMatchObject({ observedGeneration: 3, definitionId: "def_1", version: 1, tenant: "acme" });
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason, c.observedGeneration, c.lastTransitionTime])).toEqual([
      ["Ready", "True", "Reconciled", 3, "2026-11-25T10:00:00Z"],
      ["Reconciling", "False", "Reconciled", 3, "2026-11-25T10:00:00Z"],
      ["Stalled", "False", "Reconciled", 3, "2026-11-25T10:00:00Z"],
    ]);
  });

  it("keeps the served definition and moves lastTransitionTime only for conditions that flip", () => {
    const ready = nextStatus(undefined, { state: "ready", definitionId: "def_1", version: 1, tenant: "acme", message: "active" }, { generation: 1, now: T0 });
    const stalled = nextStatus(ready, { state: "stalled", reason: "InvalidSpec", message: "spec.name: too long" }, { generation: 2, now: T1 });
    expect(stalled).toMatchObject({ observedGeneration: 2, definitionId: "def_1", version: 1, tenant: "acme" });
    const byType = Object.fromEntries((stalled.conditions ?? []).map((c) => [c.type, c]));
    expect(byType["Ready"]).toMatchObject({ status: "False", reason: "InvalidSpec", message: "spec.name: too long", lastTransitionTime: "2026-11-25T11:00:00Z" });
    expect(byType["Stalled"]).toMatchObject({ status: "True", lastTransitionTime: "2026-11-25T11:00:00Z" });
    expect(byType["Reconciling"]).toMatchObject({ status: "False", reason: "InvalidSpec", lastTransitionTime: "2026-11-25T10:00:00Z" });
  });

  it("says Reconciling=True while the store is unavailable", () => {
    const status = nextStatus(undefined, { state: "retrying", reason: "StoreUnavailable", message: "cannot reach postgres" }, { generation: 1, now: T0 });
    expect(Object.fromEntries((status.conditions ?? []).map((c) => [c.type, [c.status, c.reason]]))).toEqual({
      Ready: ["False", "StoreUnavailable"],
      Reconciling: ["True", "StoreUnavailable"],
      Stalled: ["False", "StoreUnavailable"],
    });
  });

  it("finds nothing to write when the same outcome comes again later (no hot loop), and a change otherwise", () => {
    const outcome = { state: "ready", definitionId: "def_1", version: 1, tenant: "acme", message: "active" } as const;
    const first = nextStatus(undefined, outcome, { generation: 1, now: T0 });
    expect(sameStatus(first, nextStatus(first, outcome, { generation: 1, now: T1 }))).toBe(true);
    expect(sameStatus(first, nextStatus(first, { ...outcome, version: 2 }, { generation: 1, now: T1 }))).toBe(false);
    expect(sameStatus(first, nextStatus(first, outcome, { generation: 2, now: T1 }))).toBe(false);
    expect(sameStatus(undefined, first)).toBe(false);
  });
});
