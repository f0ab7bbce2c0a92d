-- Declares a channel in a tenant; returns no row when the tenant already has the name (the
-- service reports the conflict).
-- $1 text: tenant_id; $2 text: name; $3 text: description; $4 text: scope; $5 bigint:
-- default_ttl_ms; $6 int: max_messages; $7 text: source.
insert into channels (tenant_id, name, description, scope, default_ttl_ms, max_messages, source)
values ($1::text, $2::text, $3::text, $4::text, $5::bigint, $6::int, $7::text)
on conflict (tenant_id, name) do nothing
returning name, description, scope, default_ttl_ms, max_messages, source, created_at
