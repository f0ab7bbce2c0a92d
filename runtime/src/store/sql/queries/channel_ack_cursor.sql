-- Acknowledges up to a position: moves the cursor forward (or keeps it), never back.
-- $1 channel; $2 scope; $3 scope_id; $4 subscriber; $5 bigint: position.
-- Returns the position, or no row when the cursor is already past it (a regression).
insert into channel_cursors (channel, scope, scope_id, subscriber, position)
values ($1::text, $2::text, $3::text, $4::text, $5::bigint)
on conflict (channel, scope, scope_id, subscriber) do update
  set position = excluded.position, updated_at = now()
  where channel_cursors.position <= excluded.position
returning position
