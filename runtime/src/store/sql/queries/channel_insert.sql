-- Declares a channel; returns no row when the name is taken (the service reports the conflict).
-- $1 text: name; $2 text: description; $3 text: scope; $4 bigint: default_ttl_ms; $5 int: max_messages; $6 text: source.
insert into channels (name, description, scope, default_ttl_ms, max_messages, source)
values ($1::text, $2::text, $3::text, $4::bigint, $5::int, $6::text)
on conflict (name) do nothing
returning name, description, scope, default_ttl_ms, max_messages, source, created_at
