import type { Condition } from "../api/index.ts";

/** A condition to set; lastTransitionTime is filled in by setCondition. */
export type ConditionInput = Omit<Condition, "lastTransitionTime">;

/**
 * Sets `next` in `conditions` (keyed by type), returning a new list: lastTransitionTime moves
 * only when the status flips (metav1 SetStatusCondition), so rewriting the same state is a no-op.
 */
export function setCondition(conditions: readonly Condition[] | undefined, next: ConditionInput, now: Date = new Date()): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((condition) => condition.type === next.type);
  const previous = index === -1 ? undefined : list[index];
  const lastTransitionTime = previous !== undefined && previous.status === next.status ? previous.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const condition: Condition = { ...next, lastTransitionTime };
  if (index === -1) list.push(condition);
  else list[index] = condition;
  return list;
}

/** The condition of `type`, if present. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

/** Whether condition `type` is present with status True. */
export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === "True";
}

/** Whether two condition lists say the same (order-insensitive), so an unchanged status is not rewritten. */
export function sameConditions(left: readonly Condition[] | undefined, right: readonly Condition[] | undefined): boolean {
  const a = left ?? [];
  const b = right ?? [];
  if (a.length !== b.length) return false;
  return a.every((condition) => {
    const other = findCondition(b, condition.type);
    return other !== undefined && JSON.stringify(normalize(condition)) === JSON.stringify(normalize(other));
  });
}

function normalize(condition: Condition): unknown[] {
  return [condition.type, condition.status, condition.observedGeneration, condition.lastTransitionTime, condition.reason, condition.message];
}
