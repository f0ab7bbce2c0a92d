-- How many of a run's asks are waiting for an answer now (the per-run `max_pending` cap).
-- $1 text: run_id.
select count(*)::int as pending from interrupts_now where run_id = $1::text and status = 'pending'
