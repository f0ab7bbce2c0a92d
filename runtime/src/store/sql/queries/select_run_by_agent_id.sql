-- The newest run carrying a caller handle (ties broken by the time-sortable id).
-- $1 text: agent_id.
select * from runs
where agent_id = $1::text
order by created_at desc, id desc
limit 1
