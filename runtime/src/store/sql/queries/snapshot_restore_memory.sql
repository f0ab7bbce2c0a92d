-- Snapshot restore: memory entries (an existing entry wins; an expired item is skipped), without
-- embeddings. Returns how many entries were new.
-- $1 text: the memory section's items as a JSON array.
with inserted as (
  insert into memory (tenant_id, scope, scope_id, key, value, bytes, expires_at, created_at, updated_at)
  select m.tenant_id, m.scope, m.scope_id, m.key, m.value, coalesce(m.bytes, octet_length(m.value::text)), m.expires_at,
    coalesce(m.created_at, now()), coalesce(m.updated_at, now())
  from jsonb_to_recordset($1::text::jsonb)
    as m (tenant_id text, scope text, scope_id text, key text, value jsonb, bytes int, expires_at timestamptz, created_at timestamptz, updated_at timestamptz)
  where m.value is not null and (m.expires_at is null or m.expires_at > now())
  on conflict do nothing
  returning 1
)
select count(*)::int as restored, 0 as embeddings from inserted
