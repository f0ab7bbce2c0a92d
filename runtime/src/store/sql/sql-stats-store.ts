import type { RunGauges, StatsStore } from "../stats-ports.ts";
import { loadSql } from "./load-sql.ts";
import type { SqlExecutor } from "./sql-client.ts";

/** count(*) arrives as a string from `pg` (bigint) and a number or bigint from PGlite. */
type CountRow = Record<keyof RunGauges, string | number | bigint | null>;

/** StatsStore over the shared SQL files. */
export class SqlStatsStore implements StatsStore {
  private readonly client: SqlExecutor;

  constructor(client: SqlExecutor) {
    this.client = client;
  }

  async runGauges(): Promise<RunGauges> {
    const [row] = await this.client.query<CountRow>(loadSql("stats_run_gauges"));
    return {
      queued: count(row?.queued),
      running: count(row?.running),
      awaiting_input: count(row?.awaiting_input),
      paused: count(row?.paused),
      oldest_heartbeat_age_seconds: count(row?.oldest_heartbeat_age_seconds),
    };
  }
}

/** A count or an age as a number (0 when absent, never negative). */
function count(value: string | number | bigint | null | undefined): number {
  return Math.max(0, Number(value ?? 0));
}
