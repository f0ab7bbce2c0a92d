import type { LimitScope, TokenLimitUsage } from "../domain/index.ts";

/** Which budget: (tenant, scope, scope_id) is its key. */
export interface TokenLimitKey {
  tenant_id: string;
  scope: LimitScope;
  scope_id: string;
}

/** A budget to set: both tiers are replaced (null clears one). */
export interface NewTokenLimit extends TokenLimitKey {
  soft_limit: number | null;
  hard_limit: number | null;
  updated_by: string;
}

/**
 * Monthly token budgets (table `token_limits`, migration 0014) and their month-to-date usage,
 * summed from the `token_usage` ledger (input + output tokens since `since`).
 */
export interface LimitStore {
  /** Every budget of a tenant with its usage since `since`, tenant budget first, then users by id. */
  list(tenantId: string, since: Date): Promise<TokenLimitUsage[]>;
  /** The budgets a run of (tenant, user) is subject to: the tenant's and, for a non-null user, the user's. */
  applicable(input: { tenantId: string; userId: string | null; since: Date }): Promise<TokenLimitUsage[]>;
  /** Creates or replaces a budget; answers it with its usage since `since`. */
  upsert(limit: NewTokenLimit, since: Date): Promise<TokenLimitUsage>;
  /** Deletes a budget; false when there was none. */
  delete(key: TokenLimitKey): Promise<boolean>;
  /** The tenants with at least one budget. */
  budgetedTenants(): Promise<string[]>;
}
