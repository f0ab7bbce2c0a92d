-- A subscriber's committed position in a partition (no row = it has consumed nothing).
-- $1 text: tenant_id; $2 text: channel; $3 text: scope; $4 text: scope_id; $5 text: subscriber.
select position from channel_cursors
where tenant_id = $1::text and channel = $2::text and scope = $3::text and scope_id = $4::text and subscriber = $5::text
