-- Snapshot descriptors, newest first, optionally those whose label contains a text (any case).
-- $1 text|null: label_contains; $2 int: limit.
select id, created_at, label, schema_version, size_bytes, sections
from snapshots
where $1::text is null or strpos(lower(coalesce(label, '')), lower($1::text)) > 0
order by created_at desc, id desc
limit $2::int
