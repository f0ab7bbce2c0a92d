-- The newest message id handed out in a partition (0 when nothing was ever published there).
-- $1 text: channel; $2 text: scope; $3 text: scope_id.
select coalesce((select last_id from channel_partitions where channel = $1::text and scope = $2::text and scope_id = $3::text), 0) as last_id
