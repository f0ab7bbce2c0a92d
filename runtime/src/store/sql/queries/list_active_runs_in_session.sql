-- A session's runs that have not finished (queued or running), oldest first.
-- $1 text: session id.
select * from runs
where session_id = $1::text and status in ('queued', 'running')
order by created_at, id
