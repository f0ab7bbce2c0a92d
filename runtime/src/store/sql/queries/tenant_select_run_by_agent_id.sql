-- A tenant's newest run carrying a caller handle (ties broken by the time-sortable id).
-- $1 text: tenant_id; $2 text: agent_id.
select * from runs
where tenant_id = $1::text and agent_id = $2::text
order by created_at desc, id desc
limit 1
