-- The inputs of a run not consumed yet, oldest first.
-- $1 text: run id.
select id::text as id, run_id, text, source, created_at
from run_inputs
where run_id = $1::text and consumed_at is null
order by id
