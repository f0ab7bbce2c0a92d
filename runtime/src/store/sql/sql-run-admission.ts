import { AppError, QUOTA_RETRY_AFTER_SECONDS } from "../../domain/index.ts";
import type { Run, RunEvent, RunQuota } from "../../domain/index.ts";
import type { NewRun, RunAdmission } from "../ports.ts";
import { eventColumns } from "./event-columns.ts";
import { loadSql } from "./load-sql.ts";
import { mapRunRow } from "./map-run-row.ts";
import type { RunRow } from "./map-run-row.ts";
import type { SqlExecutor } from "./sql-client.ts";

/** The parameters of insert_run.sql: the run's row and its first events (seq 1…n). */
export function insertRunParams(run: NewRun, firstEvents: readonly RunEvent[]): unknown[] {
  const tsMs = Date.now();
  const events = firstEvents.map((event, index) => ({ run_id: run.id, session_id: run.session_id, seq: index + 1, ts_ms: tsMs, event }));
  const identity = [run.id, run.session_id, run.tenant_id, run.agent, run.agent_id, run.user_id, JSON.stringify(run.metadata)];
  const lineage = [run.lineage?.parent_run_id ?? null, run.lineage?.parent_agent_id ?? null, run.lineage?.root_run_id ?? null, run.lineage?.depth ?? 0];
  return [...identity, ...eventColumns(events), JSON.stringify(run.options ?? {}), ...lineage, ...optionalColumns(run)];
}

/** The run's Idempotency-Key ($19 of insert_run) and sealed credentials ($20): null when absent. */
function optionalColumns(run: NewRun): [string | null, string | null] {
  return [run.idempotency_key ?? null, run.sealed_credentials ?? null];
}

/** What admitRun writes: the run's insert_run parameters and whom it counts against. */
export interface AdmitRunInput {
  tenantId: string;
  userId: string | null;
  insertRunParams: readonly unknown[];
  admission: RunAdmission;
}

/**
 * Creates a top-level run inside a transaction the caller opened: checks the concurrency quotas
 * under an advisory lock on the quota key, then writes the new session (if any) and the run. The
 * runs table is the counter (queued + running top-level runs), so a run that ends by any path,
 * a crash reclaimed as interrupted included, frees its slot, and nothing can leak. A refusal
 * throws before any write, so the rolled-back transaction leaves no session and no run.
 */
export async function admitRun(tx: SqlExecutor, input: AdmitRunInput): Promise<Run> {
  const { session, quota } = input.admission;
  if (quota !== undefined) await checkQuota(tx, { tenantId: input.tenantId, userId: input.userId, quota });
  if (session !== undefined) await tx.query(loadSql("insert_session"), [session.id, session.tenant_id, session.agent, session.user_id]);
  const rows = await tx.query<RunRow>(loadSql("insert_run"), input.insertRunParams);
  const row = rows[0];
  if (row === undefined) throw new AppError("INTERNAL", "insert_run returned no row");
  return mapRunRow(row);
}

interface QuotaCheck {
  tenantId: string;
  /** Null for a run without a user: it counts only against the tenant quota. */
  user: string | null;
  perUser: number;
  perTenant: number;
}

/** Whether admitting this run counts it against a quota (then it needs its own transaction and lock). */
export function quotaApplies(input: { userId: string | null; quota: RunQuota | undefined }): boolean {
  if (input.quota === undefined) return false;
  const hasUser = input.userId !== null && input.userId !== "";
  return input.quota.maxPerTenant > 0 || (hasUser && input.quota.maxPerUser > 0);
}

/**
 * One lock per admission: the tenant's when a tenant quota is set (it serializes the tenant's
 * users too), else the user's; then one count of the active top-level runs.
 */
async function checkQuota(tx: SqlExecutor, input: { tenantId: string; userId: string | null; quota: RunQuota }): Promise<void> {
  const user = input.userId === "" ? null : input.userId;
  const check: QuotaCheck = { tenantId: input.tenantId, user, perUser: user === null ? 0 : input.quota.maxPerUser, perTenant: input.quota.maxPerTenant };
  if (check.perTenant <= 0 && check.perUser <= 0) return;
  const key = check.perTenant > 0 ? ["quota", check.tenantId] : ["quota", check.tenantId, user];
  await tx.query(loadSql("quota_lock"), [JSON.stringify(key)]);
  const rows = await tx.query<{ tenant_active: string | number; user_active: string | number }>(loadSql("quota_count_active"), [check.tenantId, user]);
  refuseOverQuota(check, { user: Number(rows[0]?.user_active ?? 0), tenant: Number(rows[0]?.tenant_active ?? 0) });
}

function refuseOverQuota(check: QuotaCheck, active: { user: number; tenant: number }): void {
  if (check.perUser > 0 && active.user >= check.perUser) {
    const message = `user ${check.user} already has ${active.user} queued or running runs (max_concurrent_runs_per_user is ${check.perUser}); retry when one of them finishes`;
    throw quotaError("PER_USER_QUOTA_EXHAUSTED", message);
  }
  if (check.perTenant > 0 && active.tenant >= check.perTenant) {
    const message = `tenant ${check.tenantId} already has ${active.tenant} queued or running runs (max_concurrent_runs_per_tenant is ${check.perTenant}); retry when one of them finishes`;
    throw quotaError("PER_TENANT_QUOTA_EXHAUSTED", message);
  }
}

function quotaError(code: "PER_USER_QUOTA_EXHAUSTED" | "PER_TENANT_QUOTA_EXHAUSTED", message: string): AppError {
  return new AppError(code, message, { retryable: true, details: { retry_after_seconds: QUOTA_RETRY_AFTER_SECONDS } });
}
