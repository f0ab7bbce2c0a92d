-- A user's interruptions (the inbox) as of now, newest first, with how many match in all.
-- $1 text: user_id; $2 text[]|null: statuses (null = any); $3 int: the maximum number of rows.
select *, count(*) over () as total
from interrupts_now
where user_id = $1::text
  and ($2::text[] is null or status = any ($2::text[]))
order by created_at desc, interrupt_id desc
limit $3::int
