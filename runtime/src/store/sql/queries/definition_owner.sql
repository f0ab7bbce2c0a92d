-- The Kubernetes object owning a (tenant, kind, name), if any version of it came from kubernetes.
-- $1 text: tenant_id; $2 text: kind; $3 text: name.
select owner_ref
from definitions
where tenant_id = $1::text and kind = $2::text and name = $3::text and source = 'kubernetes'
order by version desc
limit 1
