-- Stores a snapshot. Returns its descriptor.
-- $1 text: id; $2 text: created_at (ISO); $3 text|null: label; $4 text: schema_version;
-- $5 bigint: size in bytes; $6 text: sections {name: {version, count}} as JSON; $7 text: the envelope.
insert into snapshots (id, created_at, label, schema_version, size_bytes, sections, json_content)
values ($1::text, $2::text::timestamptz, $3::text, $4::text, $5::bigint, $6::text::jsonb, $7::text)
returning id, created_at, label, schema_version, size_bytes, sections
