-- Snapshot restore: memory entries with their embeddings, in one statement: an embedding is
-- added only to an entry this restore created (an existing entry keeps its own). Returns how many
-- entries and embeddings were new. `__vector_schema__` is the vector extension's quoted schema.
-- $1 text: the memory section's items as a JSON array.
with items as (
  select m.*
  from jsonb_to_recordset($1::text::jsonb)
    as m (tenant_id text, scope text, scope_id text, key text, value jsonb, bytes int, expires_at timestamptz,
          created_at timestamptz, updated_at timestamptz, embedding jsonb)
  where m.value is not null and (m.expires_at is null or m.expires_at > now())
), inserted as (
  insert into memory (tenant_id, scope, scope_id, key, value, bytes, expires_at, created_at, updated_at)
  select tenant_id, scope, scope_id, key, value, coalesce(bytes, octet_length(value::text)), expires_at, coalesce(created_at, now()), coalesce(updated_at, now())
  from items
  on conflict do nothing
  returning tenant_id, scope, scope_id, key
), embedded as (
  insert into memory_embeddings (tenant_id, scope, scope_id, key, provider, model, dimension, embed_text, embedding)
  select i.tenant_id, i.scope, i.scope_id, i.key, e.provider, e.model, e.dimension, e.embed_text, e.vector::text::__vector_schema__.vector
  from items i
  join inserted n on n.tenant_id = i.tenant_id and n.scope = i.scope and n.scope_id = i.scope_id and n.key = i.key
  cross join lateral jsonb_to_record(i.embedding) as e (provider text, model text, dimension int, embed_text text, vector jsonb)
  where jsonb_typeof(i.embedding) = 'object'
  returning 1
)
select (select count(*)::int from inserted) as restored, (select count(*)::int from embedded) as embeddings
