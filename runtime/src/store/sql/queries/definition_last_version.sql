-- The highest version of a (tenant, kind, name); 0 when it has none.
-- $1 text: tenant_id; $2 text: kind; $3 text: name.
select coalesce(max(version), 0)::int as last_version
from definitions
where tenant_id = $1::text and kind = $2::text and name = $3::text
