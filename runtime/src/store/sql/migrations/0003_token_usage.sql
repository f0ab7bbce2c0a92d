-- The per-call usage ledger: one row per model call (each `usage` event), written by the same
-- statement that stores the event, with the cost priced when the call finished.
create table token_usage (
  run_id text not null references runs(id),
  seq int not null,
  session_id text not null,
  tenant_id text not null,
  user_id text null,
  agent text not null,
  ts timestamptz not null,
  provider text not null default '',
  model text not null default '',
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  cache_creation_input_tokens bigint not null default 0,
  cache_read_input_tokens bigint not null default 0,
  cost double precision null,
  cost_currency text null,
  primary key (run_id, seq)
);
create index token_usage_ts on token_usage (ts);
