-- Every tenant's active, non-retired definitions of a kind (the resolution cache).
-- $1 text: kind.
select d.*, true as active
from definition_active a
join definitions d on d.def_id = a.def_id
where a.kind = $1::text and not d.retired
order by d.tenant_id, d.name
