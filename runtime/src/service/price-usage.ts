import type { Usage } from "../domain/index.ts";
import type { Pricing } from "../config/index.ts";

const PER_MILLION = 1_000_000;

/**
 * Adds `cost` to a model call's usage from the operator's price table (per 1M tokens; cache
 * tokens at their own price, else the input price). A cost the provider reported wins; a
 * model without a price stays unpriced.
 */
export function priceUsage(usage: Usage, pricing: Pricing | null): Usage {
  if (usage.cost !== undefined || pricing === null) return usage;
  const price = pricing.models[`${usage.provider ?? ""}/${usage.model ?? ""}`];
  if (price === undefined) return usage;
  const cost =
    usage.input_tokens * price.input +
    usage.output_tokens * price.output +
    usage.cache_creation_input_tokens * (price.cache_write ?? price.input) +
    usage.cache_read_input_tokens * (price.cache_read ?? price.input);
  return { ...usage, cost: cost / PER_MILLION, cost_currency: pricing.currency };
}
