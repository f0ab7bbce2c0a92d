-- Snapshot restore: the sessions of paused runs (one already present is kept). Returns how many
-- were new.
-- $1 text: the paused_runs section's items as a JSON array (each item's `session`).
with inserted as (
  insert into sessions
  select s.*
  from jsonb_array_elements($1::text::jsonb) as item
  cross join lateral jsonb_populate_record(null::sessions, item -> 'session') as s
  on conflict do nothing
  returning 1
)
select count(*)::int as restored from inserted
