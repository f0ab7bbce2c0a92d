import { z } from "zod";
import { AppError } from "../../domain/index.ts";
import type { Interrupt, InterruptKind, InterruptPriority, InterruptStatus } from "../../domain/index.ts";
import type { InterruptFilter, InterruptSettlement, InterruptStore, NewInterrupt } from "../interrupt-ports.ts";
import { loadSql } from "./load-sql.ts";
import type { SqlClient } from "./sql-client.ts";

/** An `interrupts` row as both drivers return it (`total` only on lists). */
interface InterruptRow {
  interrupt_id: string;
  run_id: string;
  session_id: string;
  tenant_id: string;
  user_id: string | null;
  agent_name: string;
  agent_id: string;
  kind: string;
  status: string;
  question: string;
  options: unknown;
  context_data: string | null;
  priority: string;
  answer: string | null;
  created_at: Date;
  expires_at: Date | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  total?: number | string;
}

const Options = z.array(z.string());

/** Turns a row into the domain Interrupt; kind, status and priority are guarded by the table's checks. */
function mapInterruptRow(row: InterruptRow): Interrupt {
  const options = Options.safeParse(row.options);
  if (!options.success) throw new AppError("INTERNAL", `interrupt ${row.interrupt_id} has options that are not a string array`);
  return {
    interrupt_id: row.interrupt_id,
    run_id: row.run_id,
    session_id: row.session_id,
    tenant_id: row.tenant_id,
    user_id: row.user_id,
    agent_name: row.agent_name,
    agent_id: row.agent_id,
    kind: row.kind as InterruptKind,
    status: row.status as InterruptStatus,
    question: row.question,
    options: options.data,
    context_data: row.context_data,
    priority: row.priority as InterruptPriority,
    answer: row.answer,
    created_at: row.created_at,
    expires_at: row.expires_at,
    resolved_at: row.resolved_at,
    resolved_by: row.resolved_by,
  };
}

/** The InterruptStore over the shared SqlClient (`Store.interrupts`). */
export class SqlInterruptStore implements InterruptStore {
  private readonly client: SqlClient;

  constructor(client: SqlClient) {
    this.client = client;
  }

  insert(interrupt: NewInterrupt): Promise<Interrupt | null> {
    const { interrupt_id, run_id, session_id, tenant_id, user_id, agent_name, agent_id, kind, status } = interrupt;
    const identity = [interrupt_id, run_id, session_id, tenant_id, user_id, agent_name, agent_id, kind, status];
    const content = [interrupt.question, JSON.stringify(interrupt.options), interrupt.context_data, interrupt.priority, interrupt.expires_at?.toISOString() ?? null];
    return this.maybeOne("interrupt_insert", [...identity, ...content]);
  }

  get(interruptId: string): Promise<Interrupt | null> {
    return this.maybeOne("interrupt_select", [interruptId]);
  }

  async countPending(runId: string): Promise<number> {
    const rows = await this.client.query<{ pending: number }>(loadSql("interrupt_count_pending"), [runId]);
    return Number(rows[0]?.pending ?? 0);
  }

  listForRun(runId: string, filter: InterruptFilter): Promise<{ interrupts: Interrupt[]; total: number }> {
    return this.list("interrupt_list_for_run", [runId, filter.statuses ?? null, filter.limit]);
  }

  listForUser(tenantId: string, userId: string, filter: InterruptFilter): Promise<{ interrupts: Interrupt[]; total: number }> {
    return this.list("interrupt_list_for_user", [tenantId, userId, filter.statuses ?? null, filter.limit]);
  }

  settle(interruptId: string, settlement: InterruptSettlement): Promise<Interrupt | null> {
    return this.maybeOne("interrupt_settle", [interruptId, settlement.status, settlement.answer, settlement.resolvedBy]);
  }

  expire(interruptId: string): Promise<Interrupt | null> {
    return this.maybeOne("interrupt_expire", [interruptId]);
  }

  private async maybeOne(query: string, params: readonly unknown[]): Promise<Interrupt | null> {
    const rows = await this.client.query<InterruptRow>(loadSql(query), params);
    return rows[0] === undefined ? null : mapInterruptRow(rows[0]);
  }

  private async list(query: string, params: readonly unknown[]): Promise<{ interrupts: Interrupt[]; total: number }> {
    const rows = await this.client.query<InterruptRow>(loadSql(query), params);
    return { interrupts: rows.map(mapInterruptRow), total: Number(rows[0]?.total ?? 0) };
  }
}
