import type { UsageFilter, UsageRow, Store } from "../store/index.ts";

/** Dimensions GET /v1/_usage can group by. */
export const USAGE_DIMENSIONS = ["tenant", "user", "agent", "provider", "model"] as const;
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

/** One row of a usage report: the grouping keys plus summed tokens, calls and cost. */
export type UsageReportRow = Partial<Record<UsageDimension, string | null>> & {
  currency: string | null;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cost: number | null;
  unpriced_calls: number;
};

const COLUMN: Record<UsageDimension, (row: UsageRow) => string | null> = {
  tenant: (row) => row.tenant_id,
  user: (row) => row.user_id,
  agent: (row) => row.agent,
  provider: (row) => row.provider,
  model: (row) => row.model,
};

/** Aggregates the usage ledger: tokens and cost per the dimensions asked for (always per currency). */
export class UsageService {
  private readonly store: Pick<Store, "usageReport">;

  constructor(store: Pick<Store, "usageReport">) {
    this.store = store;
  }

  async report(options: { groupBy: readonly UsageDimension[]; filter: UsageFilter }): Promise<UsageReportRow[]> {
    const rows = await this.store.usageReport(options.filter);
    const groups = new Map<string, UsageReportRow>();
    for (const row of rows) {
      const keys = Object.fromEntries(options.groupBy.map((dimension) => [dimension, COLUMN[dimension](row)]));
      const id = JSON.stringify([keys, row.cost_currency]);
      const group = groups.get(id) ?? { ...keys, currency: row.cost_currency, calls: 0, input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cost: null, unpriced_calls: 0 };
      addInto(group, row);
      groups.set(id, group);
    }
    return [...groups.values()];
  }
}

function addInto(group: UsageReportRow, row: UsageRow): void {
  group.calls += row.calls;
  group.input_tokens += row.input_tokens;
  group.output_tokens += row.output_tokens;
  group.cache_creation_input_tokens += row.cache_creation_input_tokens;
  group.cache_read_input_tokens += row.cache_read_input_tokens;
  group.unpriced_calls += row.unpriced_calls;
  if (row.cost !== null) group.cost = (group.cost ?? 0) + row.cost;
}
