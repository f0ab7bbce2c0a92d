-- LLM gateway calls (/v1/chat/completions, /v1/_llm/chat) bypass the agent loop and have no run,
-- yet belong in the usage ledger: their rows carry the gateway request id in run_id (seq 0), so
-- run_id no longer references runs.
alter table token_usage drop constraint if exists token_usage_run_id_fkey;
