-- Moves a subscriber's cursor to $6. With $5 set it is a compare-and-set: it moves only if the
-- cursor is still at $5 (no row counts as 0), so two concurrent subscribers under one name never
-- both consume a message (at-most-once). With $5 null it moves unconditionally (explicit from_cursor).
-- $1 text: channel; $2 text: scope; $3 text: scope_id; $4 text: subscriber;
-- $5 bigint|null: expected position; $6 bigint: new position.
-- Returns the new position, or no row when the compare failed (the caller reads again).
with upd as (
  update channel_cursors set position = $6::bigint, updated_at = now()
  where channel = $1::text and scope = $2::text and scope_id = $3::text and subscriber = $4::text
    and ($5::bigint is null or position = $5::bigint)
  returning position
), ins as (
  insert into channel_cursors (channel, scope, scope_id, subscriber, position)
  select $1::text, $2::text, $3::text, $4::text, $6::bigint
  where not exists (select 1 from upd) and coalesce($5::bigint, 0) = 0
  on conflict (channel, scope, scope_id, subscriber) do nothing
  returning position
)
select position from upd
union all
select position from ins
