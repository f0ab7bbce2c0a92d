-- A run's events after a given seq, in seq order (replay and stream resume).
-- $1 text: run id; $2 int: the last seq the caller already has (0 = all).
select run_id, session_id, seq, ts, payload from events
where run_id = $1::text and seq > $2::int
order by seq
