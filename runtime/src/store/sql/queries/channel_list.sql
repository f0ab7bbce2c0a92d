-- A tenant's declared channels (or the one named by $2) with the count and age range of their
-- unexpired messages.
-- $1 text: tenant_id; $2 text|null: only this channel.
select c.name, c.description, c.scope, c.default_ttl_ms, c.max_messages, c.source, c.created_at,
       count(m.id) as message_count, min(m.published_at) as oldest_visible_at, max(m.published_at) as newest_visible_at
from channels c
left join channel_messages m
  on m.tenant_id = c.tenant_id and m.channel = c.name and m.scope = c.scope and (m.expires_at is null or m.expires_at > now())
where c.tenant_id = $1::text and ($2::text is null or c.name = $2::text)
group by c.tenant_id, c.name
order by c.name
