import type { Hook, HookFailMode, HookPhase, NewHook } from "../../domain/index.ts";
import type { HookStore } from "../hook-ports.ts";
import { loadSql } from "./load-sql.ts";
import type { SqlExecutor } from "./sql-client.ts";

/** A `hooks` row as both drivers return it. */
interface HookRow {
  id: string;
  tenant_id: string;
  owner: string;
  name: string;
  phase: string;
  agents: unknown;
  tools: unknown;
  callback_url: string;
  fail_mode: string;
  timeout_ms: number;
  created_at: Date;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function mapHookRow(row: HookRow): Hook {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    owner: row.owner,
    name: row.name,
    phase: row.phase as HookPhase,
    agents: stringList(row.agents),
    tools: stringList(row.tools),
    callback_url: row.callback_url,
    fail_mode: row.fail_mode as HookFailMode,
    timeout_ms: Number(row.timeout_ms),
    registered_at: row.created_at,
  };
}

/** The hooks registry over the shared SQL layer (table `hooks`, migration 0009). */
export class SqlHookStore implements HookStore {
  private readonly client: SqlExecutor;

  constructor(client: SqlExecutor) {
    this.client = client;
  }

  async upsert(id: string, hook: NewHook): Promise<Hook> {
    const params = [id, hook.tenant_id, hook.owner, hook.name, hook.phase, JSON.stringify(hook.agents), JSON.stringify(hook.tools), hook.callback_url, hook.fail_mode, hook.timeout_ms];
    const rows = await this.client.query<HookRow>(loadSql("upsert_hook"), params);
    return mapHookRow(rows[0] as HookRow);
  }

  async list(tenantId: string): Promise<Hook[]> {
    const rows = await this.client.query<HookRow>(loadSql("list_hooks"), [tenantId]);
    return rows.map(mapHookRow);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const rows = await this.client.query<{ id: string }>(loadSql("delete_hook"), [tenantId, id]);
    return rows.length > 0;
  }
}
