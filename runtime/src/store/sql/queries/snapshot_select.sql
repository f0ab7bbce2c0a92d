-- One snapshot with its envelope.
-- $1 text: id.
select id, created_at, label, schema_version, size_bytes, sections, json_content
from snapshots
where id = $1::text
