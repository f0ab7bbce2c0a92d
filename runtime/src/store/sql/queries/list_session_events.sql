-- Every event of every run of a session, in the order they were written (id order).
-- $1 text: session id.
select run_id, session_id, seq, ts, payload from events
where session_id = $1::text
order by id
