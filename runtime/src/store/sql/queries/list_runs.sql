-- Runs matching an optional user and optional status set, newest first.
-- $1 text|null: user_id (null = any user); $2 text[]|null: statuses (null = any status);
-- $3 int: the maximum number of rows.
select * from runs
where ($1::text is null or user_id = $1::text)
  and ($2::text[] is null or status = any ($2::text[]))
order by created_at desc, id desc
limit $3::int
