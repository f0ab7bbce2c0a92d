-- One channel's declaration (no message statistics: publish and subscribe read this on every call).
-- $1 text: name.
select name, description, scope, default_ttl_ms, max_messages, source, created_at
from channels
where name = $1::text
