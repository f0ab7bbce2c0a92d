-- Writes an entry (insert or overwrite) and drops the key's embedding, which described the old
-- value; a write that carries a new embedding re-adds it in the same transaction. Overwriting an
-- expired entry counts as creating it (created_at resets).
-- $1 text: tenant_id; $2 text: scope; $3 text: scope_id; $4 text: key; $5 text: the value as JSON;
-- $6 int: its size in bytes; $7 int|null: seconds to live (null = forever).
with dropped as (
  delete from memory_embeddings
  where tenant_id = $1::text and scope = $2::text and scope_id = $3::text and key = $4::text
)
insert into memory as m (tenant_id, scope, scope_id, key, value, bytes, expires_at)
values ($1::text, $2::text, $3::text, $4::text, $5::jsonb, $6::int,
  case when $7::int is null then null else now() + make_interval(secs => $7::int) end)
on conflict (tenant_id, scope, scope_id, key) do update set
  value = excluded.value,
  bytes = excluded.bytes,
  expires_at = excluded.expires_at,
  created_at = case when m.expires_at is not null and m.expires_at <= now() then now() else m.created_at end,
  updated_at = now()
returning key, value, expires_at, created_at, updated_at
