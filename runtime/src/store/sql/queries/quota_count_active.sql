-- Queued and running top-level runs of a tenant, and of one of its users: what the concurrency
-- quotas count. Sub-agent runs share their root's slot, so they are not counted.
-- $1 text: tenant_id; $2 text|null: user_id.
select count(*) as tenant_active,
  count(*) filter (where user_id = $2::text) as user_active
from runs
where tenant_id = $1::text and status in ('queued', 'running') and parent_run_id is null
