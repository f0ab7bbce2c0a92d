-- Snapshot capture: every channel of every tenant with its partitions (the last id handed out),
-- its live messages and its subscribers' cursors.
select coalesce(jsonb_agg(to_jsonb(c) || jsonb_build_object(
    'partitions', (select coalesce(jsonb_agg(to_jsonb(p) order by p.scope, p.scope_id), '[]'::jsonb)
      from channel_partitions p where p.tenant_id = c.tenant_id and p.channel = c.name),
    'messages', (select coalesce(jsonb_agg(to_jsonb(m) order by m.scope, m.scope_id, m.id), '[]'::jsonb)
      from channel_messages m where m.tenant_id = c.tenant_id and m.channel = c.name and (m.expires_at is null or m.expires_at > now())),
    'cursors', (select coalesce(jsonb_agg(to_jsonb(k) order by k.scope, k.scope_id, k.subscriber), '[]'::jsonb)
      from channel_cursors k where k.tenant_id = c.tenant_id and k.channel = c.name))
  order by c.tenant_id, c.name), '[]'::jsonb) as items
from channels c
