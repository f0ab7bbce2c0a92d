-- A user's interruptions (the inbox) within one tenant as of now, newest first, with how many
-- match in all.
-- $1 text: tenant_id; $2 text: user_id; $3 text[]|null: statuses (null = any); $4 int: the
-- maximum number of rows.
select *, count(*) over () as total
from interrupts_now
where tenant_id = $1::text
  and user_id = $2::text
  and ($3::text[] is null or status = any ($3::text[]))
order by created_at desc, interrupt_id desc
limit $4::int
