import type { Run } from "../../domain/index.ts";
import type { IdempotencyStore } from "../idempotency-ports.ts";
import { loadSql } from "./load-sql.ts";
import { mapRunRow } from "./map-run-row.ts";
import type { RunRow } from "./map-run-row.ts";
import type { SqlExecutor } from "./sql-client.ts";

/** IdempotencyStore over the shared SQL files (idempotency_*.sql). */
export class SqlIdempotencyStore implements IdempotencyStore {
  private readonly client: SqlExecutor;

  constructor(client: SqlExecutor) {
    this.client = client;
  }

  async findLive(tenantId: string, key: string, ttlSeconds: number): Promise<Run | null> {
    const [row] = await this.client.query<RunRow>(loadSql("idempotency_find_live"), [tenantId, key, ttlSeconds]);
    return row === undefined ? null : mapRunRow(row);
  }

  async expire(ttlSeconds: number): Promise<number> {
    const [row] = await this.client.query<{ expired: string | number | bigint }>(loadSql("idempotency_expire"), [ttlSeconds]);
    return Number(row?.expired ?? 0);
  }
}
