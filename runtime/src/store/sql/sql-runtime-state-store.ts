import type { RuntimeStateName, RuntimeStateRecord, RuntimeStateStore } from "../runtime-state-ports.ts";
import { loadSql } from "./load-sql.ts";
import type { SqlExecutor } from "./sql-client.ts";

interface RuntimeStateRow {
  state: RuntimeStateName;
  paused_at: Date | string | null;
  updated_at: Date | string;
}

function mapRow(row: RuntimeStateRow): RuntimeStateRecord {
  return { state: row.state, paused_at: row.paused_at === null ? null : new Date(row.paused_at), updated_at: new Date(row.updated_at) };
}

/** RuntimeStateStore over the shared SQL files. */
export class SqlRuntimeStateStore implements RuntimeStateStore {
  private readonly client: SqlExecutor;

  constructor(client: SqlExecutor) {
    this.client = client;
  }

  async get(): Promise<RuntimeStateRecord> {
    const [row] = await this.client.query<RuntimeStateRow>(loadSql("runtime_state_select"));
    // The migration inserts the row; a missing one reads as running.
    return row === undefined ? { state: "running", paused_at: null, updated_at: new Date(0) } : mapRow(row);
  }

  async transition(from: readonly RuntimeStateName[], to: RuntimeStateName): Promise<RuntimeStateRecord | null> {
    const [row] = await this.client.query<RuntimeStateRow>(loadSql("runtime_state_transition"), [[...from], to]);
    return row === undefined ? null : mapRow(row);
  }
}
