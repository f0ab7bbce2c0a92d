-- Per name of a tenant's kind: how many versions, the latest, the active one and the source of
-- the latest version.
-- $1 text: tenant_id; $2 text: kind.
select d.name,
       count(*)::int as versions,
       max(d.version)::int as latest_version,
       max(a.def_id) as active_def_id,
       max(case when a.def_id is not null then d.version end)::int as active_version,
       coalesce(bool_or(a.def_id is not null and d.retired), false) as active_retired,
       (array_agg(d.source order by d.version desc))[1] as source
from definitions d
left join definition_active a on a.def_id = d.def_id
where d.tenant_id = $1::text and d.kind = $2::text
group by d.name
order by d.name
