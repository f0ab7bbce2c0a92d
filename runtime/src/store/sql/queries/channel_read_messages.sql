-- Unexpired messages of a partition after a position, oldest first.
-- $1 text: tenant_id; $2 text: channel; $3 text: scope; $4 text: scope_id; $5 bigint: after this
-- id; $6 int: at most this many.
select id, payload, published_at
from channel_messages
where tenant_id = $1::text and channel = $2::text and scope = $3::text and scope_id = $4::text and id > $5::bigint
  and (expires_at is null or expires_at > now())
order by id
limit $6::int
