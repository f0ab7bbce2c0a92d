-- Points (tenant, kind, name) at a version of that tenant and kind. Returns nothing when the
-- tenant has no such definition.
-- $1 text: def_id; $2 text: tenant_id; $3 text: kind; $4 text: promoted_by.
insert into definition_active (tenant_id, kind, name, def_id, promoted_by)
select d.tenant_id, d.kind, d.name, d.def_id, $4::text
from definitions d
where d.def_id = $1::text and d.tenant_id = $2::text and d.kind = $3::text
on conflict (tenant_id, kind, name) do update
set def_id = excluded.def_id, promoted_at = now(), promoted_by = excluded.promoted_by
returning def_id
