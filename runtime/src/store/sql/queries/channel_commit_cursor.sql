-- Moves a subscriber's cursor to $7. With $6 set it is a compare-and-set: it moves only if the
-- cursor is still at $6 (no row counts as 0), so two concurrent subscribers under one name never
-- both consume a message (at-most-once). With $6 null it moves unconditionally (explicit from_cursor).
-- $1 text: tenant_id; $2 text: channel; $3 text: scope; $4 text: scope_id; $5 text: subscriber;
-- $6 bigint|null: expected position; $7 bigint: new position.
-- Returns the new position, or no row when the compare failed (the caller reads again).
with upd as (
  update channel_cursors set position = $7::bigint, updated_at = now()
  where tenant_id = $1::text and channel = $2::text and scope = $3::text and scope_id = $4::text and subscriber = $5::text
    and ($6::bigint is null or position = $6::bigint)
  returning position
), ins as (
  insert into channel_cursors (tenant_id, channel, scope, scope_id, subscriber, position)
  select $1::text, $2::text, $3::text, $4::text, $5::text, $7::bigint
  where not exists (select 1 from upd) and coalesce($6::bigint, 0) = 0
  on conflict (tenant_id, channel, scope, scope_id, subscriber) do nothing
  returning position
)
select position from upd
union all
select position from ins
