-- Token usage and cost per (tenant, user, agent, provider, model, currency) in a time window;
-- the service folds these rows into the grouping the caller asked for.
-- $1 timestamptz|null: from (inclusive); $2 timestamptz|null: to (exclusive); $3 text|null: tenant.
select tenant_id, user_id, agent, provider, model, cost_currency,
  count(*) as calls,
  sum(input_tokens) as input_tokens,
  sum(output_tokens) as output_tokens,
  sum(cache_creation_input_tokens) as cache_creation_input_tokens,
  sum(cache_read_input_tokens) as cache_read_input_tokens,
  sum(cost) as cost,
  count(*) filter (where cost is null) as unpriced_calls
from token_usage
where ($1::timestamptz is null or ts >= $1::timestamptz)
  and ($2::timestamptz is null or ts < $2::timestamptz)
  and ($3::text is null or tenant_id = $3::text)
group by tenant_id, user_id, agent, provider, model, cost_currency
