import type { UsageRow } from "../ports.ts";

const count = (value: unknown): number => Number(value ?? 0);

/** A usage_report row (sums come back as numeric strings from `pg`) as numbers. */
export function mapUsageRow(row: Record<keyof UsageRow, unknown>): UsageRow {
  return {
    tenant_id: String(row.tenant_id),
    user_id: row.user_id === null ? null : String(row.user_id),
    agent: String(row.agent),
    provider: String(row.provider),
    model: String(row.model),
    cost_currency: row.cost_currency === null ? null : String(row.cost_currency),
    calls: count(row.calls),
    input_tokens: count(row.input_tokens),
    output_tokens: count(row.output_tokens),
    cache_creation_input_tokens: count(row.cache_creation_input_tokens),
    cache_read_input_tokens: count(row.cache_read_input_tokens),
    cost: row.cost === null ? null : Number(row.cost),
    unpriced_calls: count(row.unpriced_calls),
  };
}
