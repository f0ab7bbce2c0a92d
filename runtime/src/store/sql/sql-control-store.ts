import type { CancelMark, ControlStore } from "../control-ports.ts";
import { loadSql } from "./load-sql.ts";
import type { SqlExecutor } from "./sql-client.ts";

/** ControlStore over the shared SQL files. */
export class SqlControlStore implements ControlStore {
  private readonly client: SqlExecutor;

  constructor(client: SqlExecutor) {
    this.client = client;
  }

  requestCancel(runId: string, reason: string | null): Promise<CancelMark[]> {
    return this.client.query<CancelMark>(loadSql("control_cancel_tree"), [runId, reason]);
  }

  async cancelRequested(ownerId: string): Promise<string[]> {
    const rows = await this.client.query<{ id: string }>(loadSql("control_cancel_requested"), [ownerId]);
    return rows.map((row) => row.id);
  }

  async unfinished(runIds: readonly string[]): Promise<string[]> {
    if (runIds.length === 0) return [];
    const rows = await this.client.query<{ id: string }>(loadSql("control_unfinished"), [[...runIds]]);
    return rows.map((row) => row.id);
  }
}
