-- A tenant's runs matching an optional user and optional status set, newest first.
-- $1 text: tenant_id; $2 text|null: user_id (null = any user); $3 text[]|null: statuses
-- (null = any status); $4 int: the maximum number of rows.
select * from runs
where tenant_id = $1::text
  and ($2::text is null or user_id = $2::text)
  and ($3::text[] is null or status = any ($3::text[]))
order by created_at desc, id desc
limit $4::int
