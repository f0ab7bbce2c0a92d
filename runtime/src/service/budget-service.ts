import { AppError, monthStartUtc, reachedLimits, secondsToNextMonthUtc } from "../domain/index.ts";
import type { LimitNotice, LimitScope, RunEvent, StoredEvent, TokenLimitUsage } from "../domain/index.ts";
import type { EventSink } from "../loop/index.ts";
import type { LimitStore } from "../store/index.ts";

/** How long the census of budgeted tenants is trusted before it is re-read. */
export const BUDGET_CENSUS_TTL_MS = 2_000;

/** A budget to set through PUT /v1/_limits (the tenant comes from the caller's principal). */
export interface SetTokenLimit {
  tenantId: string;
  scope: LimitScope;
  /** The user id of a user budget; a tenant budget's scope_id is the tenant itself. */
  scopeId?: string | undefined;
  softLimit: number | null;
  hardLimit: number | null;
  updatedBy: string;
}

/**
 * Monthly token budgets per tenant and per user (loomcycle RFC AW): month-to-date usage is the
 * ledger's input + output tokens since the 1st of the month, UTC. A hard budget refuses new
 * top-level runs once used up; a soft one (and a hard one crossed mid-run) adds a `limit`
 * event to the run that reached it, once per run and tier. Sub-agents run under their root's admission.
 */
export class BudgetService {
  private readonly store: LimitStore;
  private readonly now: () => Date;
  /**
   * Which tenants have budgets at all, re-read at most every BUDGET_CENSUS_TTL_MS (another
   * process's PUT shows within that) and dropped on every local write: a tenant without budgets
   * (the common case) costs no query per run.
   */
  private census: { tenants: Set<string>; at: number } | null = null;

  constructor(options: { store: LimitStore; now?: () => Date }) {
    this.store = options.store;
    this.now = options.now ?? ((): Date => new Date());
  }

  list(tenantId: string): Promise<TokenLimitUsage[]> {
    return this.store.list(tenantId, monthStartUtc(this.now()));
  }

  /** Creates or replaces a budget; a tenant budget's scope_id must be absent or the tenant itself. */
  set(input: SetTokenLimit): Promise<TokenLimitUsage> {
    const scopeId = scopeIdFor(input);
    if (input.softLimit !== null && input.hardLimit !== null && input.hardLimit < input.softLimit) {
      throw new AppError("INVALID_ARGUMENT", `hard_limit: ${input.hardLimit} is below soft_limit ${input.softLimit}; a hard budget must be at least the soft one`, {
        details: { field: "hard_limit" },
      });
    }
    const limit = { tenant_id: input.tenantId, scope: input.scope, scope_id: scopeId, soft_limit: input.softLimit, hard_limit: input.hardLimit, updated_by: input.updatedBy };
    this.census = null;
    return this.store.upsert(limit, monthStartUtc(this.now()));
  }

  /** Deletes a budget; deleting one that does not exist is not an error (DELETE is idempotent). */
  async delete(input: { tenantId: string; scope: LimitScope; scopeId?: string | undefined }): Promise<void> {
    this.census = null;
    await this.store.delete({ tenant_id: input.tenantId, scope: input.scope, scope_id: scopeIdFor(input) });
  }

  /**
   * Admission of a top-level run: throws TOKEN_LIMIT_EXCEEDED (Retry-After: the next month) when
   * the tenant's or the user's hard budget is used up; otherwise answers the soft budgets
   * already reached, which the run records as `limit` events before it starts.
   */
  async admit(input: { tenantId: string; userId: string | null }): Promise<LimitNotice[]> {
    if (!(await this.hasBudgets(input.tenantId))) return [];
    const now = this.now();
    const budgets = await this.store.applicable({ ...input, since: monthStartUtc(now) });
    const notices = budgets.flatMap(reachedLimits);
    const hard = notices.find((notice) => notice.severity === "hard");
    if (hard !== undefined) {
      throw new AppError("TOKEN_LIMIT_EXCEEDED", `${hard.message}; raise or delete the budget with PUT/DELETE /v1/_limits`, {
        details: { retry_after_seconds: secondsToNextMonthUtc(now), scope: hard.scope, scope_id: hard.scope_id, used: hard.used, limit: hard.limit },
      });
    }
    return notices;
  }

  private async hasBudgets(tenantId: string): Promise<boolean> {
    if (this.census === null || Date.now() - this.census.at > BUDGET_CENSUS_TTL_MS) {
      this.census = { tenants: new Set(await this.store.budgetedTenants()), at: Date.now() };
    }
    return this.census.tenants.has(tenantId);
  }

  /**
   * Wraps a run's event sink so each model call's tokens are added to the month-to-date usage and
   * a budget tier reached for the first time in this run emits one `limit` event. `runEvents`
   * are the run's stored events (a resumed run does not repeat a notice). No budget = the sink itself.
   */
  async watch(input: { tenantId: string; userId: string | null; runEvents: readonly StoredEvent[]; sink: EventSink }): Promise<EventSink> {
    if (!(await this.hasBudgets(input.tenantId))) return input.sink;
    const budgets = await this.store.applicable({ tenantId: input.tenantId, userId: input.userId, since: monthStartUtc(this.now()) });
    if (budgets.length === 0) return input.sink;
    const noticed = new Set(input.runEvents.flatMap((stored) => (stored.event.type === "limit" ? [noticeKey(stored.event.limit)] : [])));
    return new BudgetSink({ sink: input.sink, budgets, noticed });
  }
}

function noticeKey(notice: Pick<LimitNotice, "scope" | "scope_id" | "severity">): string {
  return `${notice.scope}\u0000${notice.scope_id}\u0000${notice.severity}`;
}

function scopeIdFor(input: { tenantId: string; scope: LimitScope; scopeId?: string | undefined }): string {
  if (input.scope === "tenant") {
    if (input.scopeId !== undefined && input.scopeId !== input.tenantId) {
      throw new AppError("INVALID_ARGUMENT", `scope_id: a tenant budget's scope_id is the tenant itself ("${input.tenantId}"); omit it`, { details: { field: "scope_id" } });
    }
    return input.tenantId;
  }
  if (input.scopeId === undefined) throw new AppError("INVALID_ARGUMENT", "scope_id: a user budget needs the user id as scope_id", { details: { field: "scope_id" } });
  return input.scopeId;
}

/** The event sink of a run under budgets: forwards every event, and adds `limit` after a `usage` that reaches a tier. */
class BudgetSink implements EventSink {
  private readonly sink: EventSink;
  private readonly budgets: TokenLimitUsage[];
  private readonly noticed: Set<string>;

  constructor(options: { sink: EventSink; budgets: TokenLimitUsage[]; noticed: Set<string> }) {
    this.sink = options.sink;
    this.budgets = options.budgets;
    this.noticed = options.noticed;
  }

  emit(event: RunEvent): void {
    this.sink.emit(event);
    if (event.type !== "usage") return;
    const tokens = event.usage.input_tokens + event.usage.output_tokens;
    for (const budget of this.budgets) {
      budget.used += tokens;
      for (const notice of reachedLimits(budget)) this.notify(notice);
    }
  }

  flush(): Promise<void> {
    return this.sink.flush();
  }

  private notify(notice: LimitNotice): void {
    const key = noticeKey(notice);
    if (this.noticed.has(key)) return;
    this.noticed.add(key);
    this.sink.emit({ type: "limit", limit: notice });
  }
}
