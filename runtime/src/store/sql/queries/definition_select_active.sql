-- The version the active pointer of (tenant, kind, name) selects.
-- $1 text: tenant_id; $2 text: kind; $3 text: name.
select d.*, true as active
from definition_active a
join definitions d on d.def_id = a.def_id
where a.tenant_id = $1::text and a.kind = $2::text and a.name = $3::text
