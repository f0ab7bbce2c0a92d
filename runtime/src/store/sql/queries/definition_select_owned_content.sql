-- The newest version of a (tenant, kind, name) that one Kubernetes object wrote with this content
-- (retired or not), with whether the active pointer selects it: what a re-apply restores.
-- $1 text: tenant_id; $2 text: kind; $3 text: name; $4 text: owner_ref; $5 text: content_sha256.
select d.*, (a.def_id is not null) as active
from definitions d
left join definition_active a on a.def_id = d.def_id
where d.tenant_id = $1::text and d.kind = $2::text and d.name = $3::text and d.source = 'kubernetes'
  and d.owner_ref = $4::text and d.content_sha256 = $5::text
order by d.version desc
limit 1
