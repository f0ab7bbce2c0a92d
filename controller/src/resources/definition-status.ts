import type { DefinitionStatus } from "../api/index.ts";
import { setCondition } from "../reconcile/index.ts";

/** Reasons a Stalled status gives: the user must change something (the spec, a Secret, a name). */
export type StalledReason = "InvalidSpec" | "ReferenceNotFound" | "NameConflict";

/** What one reconcile made of an object, as status will say it. Messages never hold a Secret's value. */
export type StatusOutcome =
  | { state: "ready"; definitionId: string; version: number; tenant: string; message: string }
  | { state: "stalled"; reason: StalledReason; message: string }
  | { state: "retrying"; reason: "StoreUnavailable"; message: string };

/** The reason every condition carries when all is well. */
export const RECONCILED = "Reconciled";

type ConditionType = "Ready" | "Reconciling" | "Stalled";
type Wanted = Record<ConditionType, { status: "True" | "False"; reason: string; message: string }>;

function wantedConditions(outcome: StatusOutcome): Wanted {
  if (outcome.state === "ready") {
    const done = { status: "False" as const, reason: RECONCILED, message: "" };
    return { Ready: { status: "True", reason: RECONCILED, message: outcome.message }, Reconciling: done, Stalled: done };
  }
  const { reason, message } = outcome;
  if (outcome.state === "stalled") {
    return { Ready: { status: "False", reason, message }, Reconciling: { status: "False", reason, message: "" }, Stalled: { status: "True", reason, message } };
  }
  return { Ready: { status: "False", reason, message }, Reconciling: { status: "True", reason, message: `retrying with backoff: ${message}` }, Stalled: { status: "False", reason, message: "" } };
}

/**
 * The status after a reconcile (pure; kstatus): `observedGeneration`, the Ready / Reconciling /
 * Stalled conditions, and on success the definition id, version and tenant (kept from before on
 * failure: the previous version is what the runtime still serves). A condition's
 * `lastTransitionTime` moves only when its status flips.
 */
export function nextStatus(previous: DefinitionStatus | undefined, outcome: StatusOutcome, at: { generation: number; now: Date }): DefinitionStatus {
  const wanted = wantedConditions(outcome);
  let conditions = previous?.conditions ?? [];
  for (const type of Object.keys(wanted) as ConditionType[]) conditions = setCondition(conditions, { type, observedGeneration: at.generation, ...wanted[type] }, at.now);
  const served = outcome.state === "ready" ? { definitionId: outcome.definitionId, version: outcome.version, tenant: outcome.tenant } : pickServed(previous);
  return { observedGeneration: at.generation, conditions: [...conditions], ...served };
}

function pickServed(previous: DefinitionStatus | undefined): Pick<DefinitionStatus, "definitionId" | "version" | "tenant"> {
  const served: Pick<DefinitionStatus, "definitionId" | "version" | "tenant"> = {};
  if (previous?.definitionId !== undefined) served.definitionId = previous.definitionId;
  if (previous?.version !== undefined) served.version = previous.version;
  if (previous?.tenant !== undefined) served.tenant = previous.tenant;
  return served;
}

/** A stable text of a status (keys sorted, conditions by type) to decide whether a write is needed. */
function canonical(status: DefinitionStatus | undefined): string {
  if (status === undefined) return "";
  const conditions = [...(status.conditions ?? [])].sort((a, b) => a.type.localeCompare(b.type)).map((condition) => JSON.stringify(condition, Object.keys(condition).sort()));
  const rest = { ...status, conditions };
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/** Whether writing `next` would change nothing (then no write: no watch event, no hot loop). */
export function sameStatus(previous: DefinitionStatus | undefined, next: DefinitionStatus): boolean {
  return canonical(previous) === canonical(next);
}
