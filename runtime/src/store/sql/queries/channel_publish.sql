-- Publishes one message in one statement: bumps the partition's counter (its row lock orders
-- concurrent publishers), inserts the message, and trims the partition: messages beyond the
-- channel's max_messages (lossy, oldest first) and expired ones. A message already published
-- under the same dedupe key is returned instead (nothing is written). No row = the tenant has no
-- such channel.
-- $1 text: tenant_id; $2 text: channel; $3 text: scope_id; $4 text: payload JSON; $5 bigint|null:
-- ttl_ms (null = the channel's default); $6 text|null: dedupe key.
with ch as (
  select tenant_id, name, scope, default_ttl_ms, max_messages from channels where tenant_id = $1::text and name = $2::text
), existing as (
  select m.id, m.published_at from channel_messages m, ch
  where $6::text is not null and m.tenant_id = ch.tenant_id and m.channel = ch.name and m.scope = ch.scope
    and m.scope_id = $3::text and m.dedupe_key = $6::text
), part as (
  insert into channel_partitions (tenant_id, channel, scope, scope_id, last_id)
  select tenant_id, name, scope, $3::text, 1 from ch where not exists (select 1 from existing)
  on conflict (tenant_id, channel, scope, scope_id) do update set last_id = channel_partitions.last_id + 1
  returning last_id
), msg as (
  insert into channel_messages (tenant_id, channel, scope, scope_id, id, payload, published_at, expires_at, dedupe_key)
  select ch.tenant_id, ch.name, ch.scope, $3::text, part.last_id, $4::text::jsonb, now(),
         case when coalesce($5::bigint, ch.default_ttl_ms) > 0
              then now() + coalesce($5::bigint, ch.default_ttl_ms) * interval '1 millisecond' end,
         $6::text
  from ch, part
  returning id, published_at
), trimmed as (
  delete from channel_messages m
  using ch, part
  where m.tenant_id = ch.tenant_id and m.channel = ch.name and m.scope = ch.scope and m.scope_id = $3::text
    and ((ch.max_messages > 0 and m.id <= part.last_id - ch.max_messages) or m.expires_at <= now())
  returning (ch.max_messages > 0 and m.id <= part.last_id - ch.max_messages) as overflow
)
select msg.id, msg.published_at, (select count(*) from trimmed where overflow) as dropped_oldest, false as duplicate
from msg
union all
select id, published_at, 0, true from existing
