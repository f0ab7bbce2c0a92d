-- One LLM gateway call into the usage ledger (no run: run_id holds the gateway request id, seq 0).
-- $1 request id; $2 tenant; $3 user|null; $4 agent label; $5 provider; $6 model; $7 input tokens;
-- $8 output tokens; $9 cache creation tokens; $10 cache read tokens; $11 cost|null; $12 currency|null.
insert into token_usage (
  run_id, seq, session_id, tenant_id, user_id, agent, ts, provider, model,
  input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost, cost_currency
) values ($1, 0, '', $2, $3, $4, now(), $5, $6, $7, $8, $9, $10, $11, $12)
