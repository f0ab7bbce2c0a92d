-- Publishes one message in one statement: bumps the partition's counter (its row lock orders
-- concurrent publishers), inserts the message, and trims the partition: messages beyond the
-- channel's max_messages (lossy, oldest first) and expired ones. A message already published
-- under the same dedupe key is returned instead (nothing is written). No row = unknown channel.
-- $1 text: channel; $2 text: scope_id; $3 text: payload JSON; $4 bigint|null: ttl_ms (null = the
-- channel's default); $5 text|null: dedupe key.
with ch as (
  select name, scope, default_ttl_ms, max_messages from channels where name = $1::text
), existing as (
  select m.id, m.published_at from channel_messages m, ch
  where $5::text is not null and m.channel = ch.name and m.scope = ch.scope and m.scope_id = $2::text and m.dedupe_key = $5::text
), part as (
  insert into channel_partitions (channel, scope, scope_id, last_id)
  select name, scope, $2::text, 1 from ch where not exists (select 1 from existing)
  on conflict (channel, scope, scope_id) do update set last_id = channel_partitions.last_id + 1
  returning last_id
), msg as (
  insert into channel_messages (channel, scope, scope_id, id, payload, published_at, expires_at, dedupe_key)
  select ch.name, ch.scope, $2::text, part.last_id, $3::text::jsonb, now(),
         case when coalesce($4::bigint, ch.default_ttl_ms) > 0
              then now() + coalesce($4::bigint, ch.default_ttl_ms) * interval '1 millisecond' end,
         $5::text
  from ch, part
  returning id, published_at
), trimmed as (
  delete from channel_messages m
  using ch, part
  where m.channel = ch.name and m.scope = ch.scope and m.scope_id = $2::text
    and ((ch.max_messages > 0 and m.id <= part.last_id - ch.max_messages) or m.expires_at <= now())
  returning (ch.max_messages > 0 and m.id <= part.last_id - ch.max_messages) as overflow
)
select msg.id, msg.published_at, (select count(*) from trimmed where overflow) as dropped_oldest, false as duplicate
from msg
union all
select id, published_at, 0, true from existing
