-- Every declared channel (or the one named by $1) with the count and age range of its unexpired messages.
-- $1 text|null: only this channel.
select c.name, c.description, c.scope, c.default_ttl_ms, c.max_messages, c.source, c.created_at,
       count(m.id) as message_count, min(m.published_at) as oldest_visible_at, max(m.published_at) as newest_visible_at
from channels c
left join channel_messages m on m.channel = c.name and m.scope = c.scope and (m.expires_at is null or m.expires_at > now())
where $1::text is null or c.name = $1::text
group by c.name
order by c.name
