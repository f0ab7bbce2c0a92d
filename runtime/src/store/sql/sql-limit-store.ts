import type { LimitScope, TokenLimitUsage } from "../../domain/index.ts";
import type { LimitStore, NewTokenLimit, TokenLimitKey } from "../limit-ports.ts";
import { loadSql } from "./load-sql.ts";
import type { SqlExecutor } from "./sql-client.ts";

/** A `token_limits` row with its `used` sum, as both drivers return it (`pg` gives bigints as strings). */
interface TokenLimitRow {
  tenant_id: string;
  scope: string;
  scope_id: string;
  soft_limit: string | number | null;
  hard_limit: string | number | null;
  updated_at: Date;
  updated_by: string;
  used: string | number;
}

function tier(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}

function mapLimitRow(row: TokenLimitRow): TokenLimitUsage {
  return {
    tenant_id: row.tenant_id,
    scope: row.scope as LimitScope,
    scope_id: row.scope_id,
    soft_limit: tier(row.soft_limit),
    hard_limit: tier(row.hard_limit),
    updated_at: row.updated_at,
    updated_by: row.updated_by,
    used: Number(row.used),
  };
}

/** Token budgets over the shared SQL layer (table `token_limits`, migration 0014; usage from `token_usage`). */
export class SqlLimitStore implements LimitStore {
  private readonly client: SqlExecutor;

  constructor(client: SqlExecutor) {
    this.client = client;
  }

  async list(tenantId: string, since: Date): Promise<TokenLimitUsage[]> {
    const rows = await this.client.query<TokenLimitRow>(loadSql("limit_list"), [tenantId, since.toISOString()]);
    return rows.map(mapLimitRow);
  }

  async budgetedTenants(): Promise<string[]> {
    const rows = await this.client.query<{ tenant_id: string }>(loadSql("limit_budgeted_tenants"));
    return rows.map((row) => row.tenant_id);
  }

  async applicable(input: { tenantId: string; userId: string | null; since: Date }): Promise<TokenLimitUsage[]> {
    const rows = await this.client.query<TokenLimitRow>(loadSql("limit_applicable"), [input.tenantId, input.since.toISOString(), input.userId]);
    return rows.map(mapLimitRow);
  }

  async upsert(limit: NewTokenLimit, since: Date): Promise<TokenLimitUsage> {
    const params = [limit.tenant_id, limit.scope, limit.scope_id, limit.soft_limit, limit.hard_limit, limit.updated_by, since.toISOString()];
    const rows = await this.client.query<TokenLimitRow>(loadSql("limit_upsert"), params);
    return mapLimitRow(rows[0] as TokenLimitRow);
  }

  async delete(key: TokenLimitKey): Promise<boolean> {
    const rows = await this.client.query(loadSql("limit_delete"), [key.tenant_id, key.scope, key.scope_id]);
    return rows.length > 0;
  }
}
