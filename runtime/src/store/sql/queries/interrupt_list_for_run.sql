-- A run's interruptions as of now, oldest first, with how many match in all.
-- $1 text: run_id; $2 text[]|null: statuses (null = any); $3 int: the maximum number of rows.
select *, count(*) over () as total
from interrupts_now
where run_id = $1::text
  and ($2::text[] is null or status = any ($2::text[]))
order by created_at, interrupt_id
limit $3::int
