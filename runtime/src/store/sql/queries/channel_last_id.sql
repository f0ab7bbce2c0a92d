-- The newest message id handed out in a partition (0 when nothing was ever published there).
-- $1 text: tenant_id; $2 text: channel; $3 text: scope; $4 text: scope_id.
select coalesce((
  select last_id from channel_partitions
  where tenant_id = $1::text and channel = $2::text and scope = $3::text and scope_id = $4::text
), 0) as last_id
