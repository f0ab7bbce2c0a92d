-- 0020_snapshots: stored snapshots (POST /v1/_snapshots). `json_content` is the canonical JSON
-- envelope exactly as exported (text, so its bytes and size never change); `sections` is the
-- descriptor's {name: {version, count}}, so listing never reads the envelopes.
create table snapshots (
  id text primary key,
  created_at timestamptz not null default now(),
  label text null,
  schema_version text not null,
  size_bytes bigint not null,
  sections jsonb not null default '{}'::jsonb,
  json_content text not null
);
create index snapshots_created_at_idx on snapshots (created_at desc, id desc);

-- A restored evaluation may outlive its run: a snapshot carries every evaluation but only the
-- runs that were paused, so an evaluation no longer requires its run to be in this database.
alter table evaluations drop constraint evaluations_run_id_fkey;
