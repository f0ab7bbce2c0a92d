-- Records a cancel request on a run and on every unfinished descendant (children, their
-- children, …) in ONE statement, and returns the runs it marked with their owner, parents
-- before children. A finished run is left unchanged; a run already asked keeps its first reason.
-- $1 text: the root run id; $2 text|null: the reason.
with recursive tree (id, level) as (
  select id, 0 from runs where id = $1::text
  union all
  select child.id, tree.level + 1
  from runs child
  join tree on child.parent_run_id = tree.id
), marked as (
  update runs
  set cancel_requested_at = coalesce(runs.cancel_requested_at, now()),
      cancel_reason = coalesce(runs.cancel_reason, $2::text)
  from tree
  where runs.id = tree.id and runs.status in ('queued', 'running', 'awaiting_input', 'paused')
  returning runs.id, runs.agent_id, runs.status, runs.owner_id, runs.created_at, tree.level
)
select id, agent_id, status, owner_id
from marked
order by level, created_at, id
