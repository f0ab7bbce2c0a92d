-- The Kubernetes object owning a (tenant, kind, name): the owner of the name's latest kubernetes
-- version, unless that version is retired (its object was deleted and released the name).
-- $1 text: tenant_id; $2 text: kind; $3 text: name.
select owner_ref
from (
  select owner_ref, retired
  from definitions
  where tenant_id = $1::text and kind = $2::text and name = $3::text and source = 'kubernetes'
  order by version desc
  limit 1
) latest
where not latest.retired
