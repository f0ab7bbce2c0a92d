-- One channel's declaration in a tenant (no message statistics: publish and subscribe read this
-- on every call). Another tenant's channel of the same name is not returned.
-- $1 text: tenant_id; $2 text: name.
select name, description, scope, default_ttl_ms, max_messages, source, created_at
from channels
where tenant_id = $1::text and name = $2::text
