-- Unexpired messages of a partition after a position, oldest first.
-- $1 text: channel; $2 text: scope; $3 text: scope_id; $4 bigint: after this id; $5 int: at most this many.
select id, payload, published_at
from channel_messages
where channel = $1::text and scope = $2::text and scope_id = $3::text and id > $4::bigint
  and (expires_at is null or expires_at > now())
order by id
limit $5::int
