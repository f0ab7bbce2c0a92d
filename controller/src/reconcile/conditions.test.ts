import { describe, expect, it } from "vitest";
import { findCondition, isConditionTrue, sameConditions, setCondition } from "./conditions.ts";

const t0 = new Date("2026-11-25T13:00:00.123Z");
const t1 = new Date("2026-11-25T14:00:00.000Z");

describe("conditions", () => {
  it("adds a condition with a second-precision transition time", () => {
    const conditions = setCondition(undefined, { type: "Ready", status: "True", reason: "Reconciled", message: "ok", observedGeneration: 1 }, t0);
    expect(conditions).toEqual([{ type: "Ready", status: "True", reason: "Reconciled", message: "ok", observedGeneration: 1, lastTransitionTime: "2026-11-25T13:00:00Z" }]);
  });

  it("keeps lastTransitionTime while the status holds, moves it when the status flips", () => {
    const first = setCondition(undefined, { type: "Ready", status: "False", reason: "InvalidSpec", message: "bad" }, t0);
    const same = setCondition(first, { type: "Ready", status: "False", reason: "ReferenceNotFound", message: "secret/x missing" }, t1);
    expect(findCondition(same, "Ready")).toMatchObject({ reason: "ReferenceNotFound", lastTransitionTime: "2026-11-25T13:00:00Z" });
    const flipped = setCondition(same, { type: "Ready", status: "True", reason: "Reconciled", message: "ok" }, t1);
    expect(findCondition(flipped, "Ready")?.lastTransitionTime).toBe("2026-11-25T14:00:00Z");
    expect(isConditionTrue(flipped, "Ready")).toBe(true);
    expect(flipped).toHaveLength(1);
  });

  it("keys by type and compares lists regardless of order", () => {
    const a = setCondition(setCondition(undefined, { type: "Ready", status: "True", reason: "Reconciled", message: "" }, t0), { type: "Stalled", status: "False", reason: "Reconciled", message: "" }, t0);
    const b = [...a].reverse();
    expect(sameConditions(a, b)).toBe(true);
    expect(sameConditions(a, setCondition(a, { type: "Stalled", status: "True", reason: "InvalidSpec", message: "x" }, t1))).toBe(false);
    expect(sameConditions(undefined, [])).toBe(true);
    expect(isConditionTrue(a, "Reconciling")).toBe(false);
  });
});
