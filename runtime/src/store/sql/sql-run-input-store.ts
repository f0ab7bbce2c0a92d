import type { RunInputRecord, RunInputStore } from "../run-input-ports.ts";
import { loadSql } from "./load-sql.ts";
import type { SqlExecutor } from "./sql-client.ts";

interface RunInputRow {
  id: string;
  run_id: string;
  text: string;
  source: string;
  created_at: Date | string;
}

function mapRow(row: RunInputRow): RunInputRecord {
  return { id: String(row.id), run_id: row.run_id, text: row.text, source: row.source, created_at: new Date(row.created_at) };
}

/** RunInputStore over the shared SQL files. */
export class SqlRunInputStore implements RunInputStore {
  private readonly client: SqlExecutor;

  constructor(client: SqlExecutor) {
    this.client = client;
  }

  async add(runId: string, text: string, source: string): Promise<RunInputRecord | null> {
    const rows = await this.client.query<RunInputRow>(loadSql("run_input_insert"), [runId, text, source]);
    return rows[0] === undefined ? null : mapRow(rows[0]);
  }

  async pending(runId: string): Promise<RunInputRecord[]> {
    const rows = await this.client.query<RunInputRow>(loadSql("run_input_pending"), [runId]);
    return rows.map(mapRow);
  }

  async consume(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.client.query(loadSql("run_input_consume"), [[...ids]]);
  }
}
