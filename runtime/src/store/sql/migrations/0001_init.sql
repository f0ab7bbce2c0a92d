-- 0001_init: sessions, runs and the per-run event log. Plain PostgreSQL that also runs on
-- PGlite; applied by migrate.ts inside its locked transaction, into the current search_path.

create table sessions (
  id text primary key,
  tenant_id text not null,
  agent text not null,
  user_id text null,
  created_at timestamptz not null default now()
);

create table runs (
  id text primary key,
  session_id text not null references sessions (id),
  tenant_id text not null,
  agent text not null,
  agent_id text not null,
  user_id text null,
  status text not null
    check (status in ('queued', 'running', 'completed', 'failed', 'cancelled', 'interrupted')),
  stop_reason text null,
  error text null,
  input_tokens bigint not null default 0,
  output_tokens bigint not null default 0,
  cache_creation_input_tokens bigint not null default 0,
  cache_read_input_tokens bigint not null default 0,
  provider text null,
  model text null,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  started_at timestamptz null,
  completed_at timestamptz null,
  heartbeat_at timestamptz null,
  owner_id text null
);

-- getRunByAgentId (newest run of a caller handle).
create index runs_agent_id_created_at_idx on runs (agent_id, created_at desc);
-- listRuns filtered by user, newest first.
create index runs_user_id_created_at_idx on runs (user_id, created_at desc);
-- listActiveRunsInSession.
create index runs_session_id_idx on runs (session_id);
-- claim, heartbeat, stale-run sweep and start-up re-enqueue only look at unfinished runs.
create index runs_active_status_idx on runs (status) where status in ('queued', 'running');

create table events (
  id bigserial,
  run_id text not null references runs (id),
  seq int not null,
  session_id text not null,
  ts timestamptz not null,
  type text not null,
  -- The whole RunEvent JSON, `type` included.
  payload jsonb not null,
  primary key (run_id, seq)
);

-- listSessionEvents: a session's events in the order they were written.
create index events_session_id_id_idx on events (session_id, id);
