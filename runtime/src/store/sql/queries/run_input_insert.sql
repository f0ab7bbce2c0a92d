-- Stores one steered input for an unfinished run and counts it on the run row, in one
-- statement (the awaiting_input park reads the count). Returns the row; none when the run is
-- missing or finished.
-- $1 text: run id; $2 text: the input text; $3 text: where it came from (api, webui…).
with counted as (
  update runs
  set unconsumed_inputs = unconsumed_inputs + 1
  where id = $1::text and status in ('queued', 'running', 'awaiting_input', 'paused')
  returning id
)
insert into run_inputs (run_id, text, source)
select counted.id, $2::text, $3::text from counted
returning id::text as id, run_id, text, source, created_at
