-- A run's evaluations, newest first, each row carrying the run's total count (before the limit).
-- $1 text: run_id; $2 int: the maximum number of rows.
select *, count(*) over () as total
from evaluations
where run_id = $1::text
order by created_at desc, eval_id desc
limit $2::int
