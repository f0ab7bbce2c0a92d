-- Snapshot capture: every definition version of every tenant, oldest first per name, each with
-- the active pointer that selects it (null when none does). Kinds holding secrets are left out, and
-- so are versions a Kubernetes object owns: the cluster is their source of truth (the controller
-- writes them again wherever the objects are), and they may hold values resolved from Secrets.
-- $1 text[]: kinds never snapshotted.
select coalesce(jsonb_agg(
  to_jsonb(d) || jsonb_build_object('active',
    case when a.def_id is null then null else jsonb_build_object('promoted_at', a.promoted_at, 'promoted_by', a.promoted_by) end)
  order by d.tenant_id, d.kind, d.name, d.version), '[]'::jsonb) as items
from definitions d
left join definition_active a on a.def_id = d.def_id and a.tenant_id = d.tenant_id and a.kind = d.kind and a.name = d.name
where not (d.kind = any($1::text[])) and d.source <> 'kubernetes'
