-- The highest seq of a run, 0 when it has no events.
-- $1 text: run id.
select coalesce(max(seq), 0)::int as last_seq from events where run_id = $1::text
