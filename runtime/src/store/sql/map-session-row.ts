import type { Session } from "../../domain/index.ts";

/** A `sessions` row as both drivers return it. */
export interface SessionRow {
  id: string;
  tenant_id: string;
  agent: string;
  user_id: string | null;
  created_at: Date;
}

/** Turns a `sessions` row into the domain Session (the columns already match). */
export function mapSessionRow(row: SessionRow): Session {
  return { id: row.id, tenant_id: row.tenant_id, agent: row.agent, user_id: row.user_id, created_at: row.created_at };
}
