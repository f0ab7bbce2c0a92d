-- Snapshot capture: every live memory entry of every tenant, without embeddings (the database
-- has no vector column).
select coalesce(jsonb_agg(to_jsonb(m) || jsonb_build_object('embedding', null)
  order by m.tenant_id, m.scope, m.scope_id, m.key), '[]'::jsonb) as items
from memory m
where m.expires_at is null or m.expires_at > now()
