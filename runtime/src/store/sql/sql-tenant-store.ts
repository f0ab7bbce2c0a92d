import type { Run, Session } from "../../domain/index.ts";
import type { RunFilter, TenantScopedStore } from "../ports.ts";
import { loadSql } from "./load-sql.ts";
import { mapRunRow } from "./map-run-row.ts";
import type { RunRow } from "./map-run-row.ts";
import { mapSessionRow } from "./map-session-row.ts";
import type { SessionRow } from "./map-session-row.ts";
import type { SqlClient } from "./sql-client.ts";

/** A tenant's list without a limit returns at most this many runs: one page of the runs API. */
const DEFAULT_LIST_LIMIT = 100;

/** TenantScopedStore over SQL: the tenant is a WHERE term of every statement (tenant_*.sql). */
export class SqlTenantStore implements TenantScopedStore {
  private readonly client: SqlClient;

  constructor(client: SqlClient) {
    this.client = client;
  }

  async getRun(tenantId: string, runId: string): Promise<Run | null> {
    const [row] = await this.client.query<RunRow>(loadSql("tenant_select_run"), [tenantId, runId]);
    return row === undefined ? null : mapRunRow(row);
  }

  async getRunByAgentId(tenantId: string, agentId: string): Promise<Run | null> {
    const [row] = await this.client.query<RunRow>(loadSql("tenant_select_run_by_agent_id"), [tenantId, agentId]);
    return row === undefined ? null : mapRunRow(row);
  }

  async getRunByIdempotencyKey(tenantId: string, key: string): Promise<Run | null> {
    const [row] = await this.client.query<RunRow>(loadSql("tenant_select_run_by_idempotency_key"), [tenantId, key]);
    return row === undefined ? null : mapRunRow(row);
  }

  async getSession(tenantId: string, sessionId: string): Promise<Session | null> {
    const [row] = await this.client.query<SessionRow>(loadSql("tenant_select_session"), [tenantId, sessionId]);
    return row === undefined ? null : mapSessionRow(row);
  }

  async listRuns(tenantId: string, filter: RunFilter): Promise<Run[]> {
    const params = [tenantId, filter.user_id ?? null, filter.statuses ?? null, filter.limit ?? DEFAULT_LIST_LIMIT];
    const rows = await this.client.query<RunRow>(loadSql("tenant_list_runs"), params);
    return rows.map(mapRunRow);
  }
}
