-- Snapshot restore: ALL events of paused runs' sessions, written in their original order (the
-- local event id orders a session's transcript); an event already present is skipped. Returns
-- how many were new.
-- $1 text: the paused_runs section's items as a JSON array (each item's `events`).
with inserted as (
  insert into events (run_id, seq, session_id, ts, type, payload)
  select e.run_id, e.seq, e.session_id, e.ts, e.type, e.payload
  from jsonb_array_elements($1::text::jsonb) with ordinality as item (value, position)
  cross join lateral rows from (
    jsonb_to_recordset(item.value -> 'events') as (run_id text, seq int, session_id text, ts timestamptz, type text, payload jsonb)
  ) with ordinality as e (run_id, seq, session_id, ts, type, payload, event_position)
  order by item.position, e.event_position
  on conflict do nothing
  returning 1
)
select count(*)::int as restored from inserted
