-- One live memory entry (an expired one is invisible).
-- $1 text: tenant_id; $2 text: scope; $3 text: scope_id; $4 text: key.
select key, value, expires_at, created_at, updated_at
from memory
where tenant_id = $1::text and scope = $2::text and scope_id = $3::text and key = $4::text
  and (expires_at is null or expires_at > now())
