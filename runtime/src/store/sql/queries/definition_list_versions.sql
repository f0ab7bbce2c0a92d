-- A name's versions in a tenant, newest first.
-- $1 text: tenant_id; $2 text: kind; $3 text: name.
select d.*, (a.def_id is not null) as active
from definitions d
left join definition_active a on a.def_id = d.def_id
where d.tenant_id = $1::text and d.kind = $2::text and d.name = $3::text
order by d.version desc
