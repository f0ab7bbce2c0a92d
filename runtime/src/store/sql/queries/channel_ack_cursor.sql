-- Acknowledges up to a position: moves the cursor forward (or keeps it), never back.
-- $1 tenant_id; $2 channel; $3 scope; $4 scope_id; $5 subscriber; $6 bigint: position.
-- Returns the position, or no row when the cursor is already past it (a regression).
insert into channel_cursors (tenant_id, channel, scope, scope_id, subscriber, position)
values ($1::text, $2::text, $3::text, $4::text, $5::text, $6::bigint)
on conflict (tenant_id, channel, scope, scope_id, subscriber) do update
  set position = excluded.position, updated_at = now()
  where channel_cursors.position <= excluded.position
returning position
