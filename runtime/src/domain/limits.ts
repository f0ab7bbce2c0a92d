/**
 * Fairness and budgets: the concurrency quotas a run start is admitted under, and the monthly
 * token budgets (loomcycle RFC AW, inventory §6.5 / §9.7). Pure types and calendar helpers.
 */

/** Who a token budget applies to: every run of a tenant, or one user (subject) of it. */
export const LIMIT_SCOPES = ["tenant", "user"] as const;
export type LimitScope = (typeof LIMIT_SCOPES)[number];

/** A monthly token budget (input + output tokens, calendar month UTC); a null tier is not set. */
export interface TokenLimit {
  tenant_id: string;
  scope: LimitScope;
  /** The tenant id for a tenant budget, the user id for a user budget. */
  scope_id: string;
  /** Crossing it emits a `limit` event (a warning); runs go on. */
  soft_limit: number | null;
  /** Reaching it refuses new runs (429 token_limit_exceeded) until the next month. */
  hard_limit: number | null;
  updated_at: Date;
  /** The subject that last set it. */
  updated_by: string;
}

/** A budget with its month-to-date usage. */
export interface TokenLimitUsage extends TokenLimit {
  used: number;
}

/** The `limit` event's payload (inventory §2.9): a budget this run's tenant or user reached. */
export interface LimitNotice {
  scope: LimitScope;
  scope_id: string;
  severity: "soft" | "hard";
  window: "month";
  used: number;
  limit: number;
  message: string;
}

/**
 * Concurrency quotas checked when a top-level run is created; 0 = unlimited. They count the
 * queued and running top-level runs (sub-agents share their root's slot).
 */
export interface RunQuota {
  maxPerUser: number;
  maxPerTenant: number;
}

/** Seconds a client refused by a concurrency quota or backpressure should wait (loomcycle: 5). */
export const QUOTA_RETRY_AFTER_SECONDS = 5;

/** 00:00 UTC on the first day of `now`'s month: where month-to-date usage starts. */
export function monthStartUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Whole seconds until the next calendar month (UTC) begins, at least 1: a hard budget's Retry-After. */
export function secondsToNextMonthUtc(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

/** The notices a usage level triggers: each set tier it reached, soft before hard. */
export function reachedLimits(budget: TokenLimitUsage): LimitNotice[] {
  const tiers = [
    ["soft", budget.soft_limit],
    ["hard", budget.hard_limit],
  ] as const;
  return tiers.flatMap(([severity, limit]) => (limit !== null && budget.used >= limit ? [noticeFor(budget, severity, limit)] : []));
}

function noticeFor(budget: TokenLimitUsage, severity: "soft" | "hard", limit: number): LimitNotice {
  const whose = budget.scope === "tenant" ? `tenant ${budget.scope_id}` : `user ${budget.scope_id}`;
  const effect = severity === "soft" ? "this run goes on" : "new runs are refused until the next month (UTC)";
  return {
    scope: budget.scope,
    scope_id: budget.scope_id,
    severity,
    window: "month",
    used: budget.used,
    limit,
    message: `${whose} used ${budget.used} of its ${severity} monthly budget of ${limit} tokens; ${effect}`,
  };
}
