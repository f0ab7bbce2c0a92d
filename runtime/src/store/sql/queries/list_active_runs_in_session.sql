-- A session's runs that have not finished (queued, running or parked), oldest first.
-- $1 text: session id.
select * from runs
where session_id = $1::text and status in ('queued', 'running', 'awaiting_input', 'paused')
order by created_at, id
