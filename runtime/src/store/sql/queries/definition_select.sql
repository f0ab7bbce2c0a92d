-- One version of a tenant's definition, with whether the active pointer selects it.
-- $1 text: def_id; $2 text: tenant_id; $3 text: kind.
select d.*, (a.def_id is not null) as active
from definitions d
left join definition_active a on a.def_id = d.def_id
where d.def_id = $1::text and d.tenant_id = $2::text and d.kind = $3::text
