-- Snapshot restore: channel messages still live, with their ids (a message already present, or
-- one whose dedupe key is taken, is skipped). Returns how many were new.
-- $1 text: the channels section's items as a JSON array (each item's `messages`).
with inserted as (
  insert into channel_messages
  select msg.*
  from jsonb_array_elements($1::text::jsonb) as item
  cross join lateral jsonb_populate_recordset(null::channel_messages, item -> 'messages') as msg
  where exists (select 1 from channels c where c.tenant_id = msg.tenant_id and c.name = msg.channel)
    and (msg.expires_at is null or msg.expires_at > now())
  order by msg.tenant_id, msg.channel, msg.scope, msg.scope_id, msg.id
  on conflict do nothing
  returning 1
)
select count(*)::int as restored from inserted
