-- Snapshot capture: every live memory entry of every tenant with its embedding, the vector as a
-- JSON number array (pgvector's text form is one).
select coalesce(jsonb_agg(to_jsonb(m) || jsonb_build_object('embedding',
    case when e.key is null or e.embedding is null then null else jsonb_build_object(
      'provider', e.provider, 'model', e.model, 'dimension', e.dimension, 'embed_text', e.embed_text,
      'vector', e.embedding::text::jsonb) end)
  order by m.tenant_id, m.scope, m.scope_id, m.key), '[]'::jsonb) as items
from memory m
left join memory_embeddings e on e.tenant_id = m.tenant_id and e.scope = m.scope and e.scope_id = m.scope_id and e.key = m.key
where m.expires_at is null or m.expires_at > now()
