-- A subscriber's committed position in a partition (no row = it has consumed nothing).
-- $1 text: channel; $2 text: scope; $3 text: scope_id; $4 text: subscriber.
select position from channel_cursors
where channel = $1::text and scope = $2::text and scope_id = $3::text and subscriber = $4::text
