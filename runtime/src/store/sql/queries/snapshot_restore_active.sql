-- Snapshot restore: the active pointers carried by definition items (`active`), for versions
-- that exist now; a name that already has a pointer keeps it. Returns how many were new.
-- $1 text: the definitions section's items as a JSON array.
with inserted as (
  insert into definition_active (tenant_id, kind, name, def_id, promoted_at, promoted_by)
  select d.tenant_id, d.kind, d.name, d.def_id, coalesce((d.active ->> 'promoted_at')::timestamptz, now()), coalesce(d.active ->> 'promoted_by', 'snapshot')
  from jsonb_to_recordset($1::text::jsonb) as d (tenant_id text, kind text, name text, def_id text, active jsonb)
  where jsonb_typeof(d.active) = 'object' and exists (select 1 from definitions x where x.def_id = d.def_id)
  on conflict do nothing
  returning 1
)
select count(*)::int as restored from inserted
