-- Every descendant of a run (children, their children, …) that has not finished, parents before
-- their children: what a cancel cascades to.
-- $1 text: the ancestor run id.
with recursive tree (id, level) as (
  select id, 1 from runs where parent_run_id = $1::text
  union all
  select child.id, tree.level + 1
  from runs child
  join tree on child.parent_run_id = tree.id
)
select runs.*
from tree
join runs on runs.id = tree.id
where runs.status in ('queued', 'running')
order by tree.level, runs.created_at, runs.id
