-- Declares or updates a config-file channel in a tenant: yaml is authoritative for its own
-- channels, so a changed description/ttl/cap applies on the next start. A runtime channel of the
-- same name becomes a yaml one. Changing the scope keeps the old partitions, which the new scope
-- never reads.
-- $1 text: tenant_id; $2 text: name; $3 text: description; $4 text: scope; $5 bigint:
-- default_ttl_ms; $6 int: max_messages.
insert into channels (tenant_id, name, description, scope, default_ttl_ms, max_messages, source)
values ($1::text, $2::text, $3::text, $4::text, $5::bigint, $6::int, 'yaml')
on conflict (tenant_id, name) do update
  set description = excluded.description, scope = excluded.scope, default_ttl_ms = excluded.default_ttl_ms,
      max_messages = excluded.max_messages, source = 'yaml'
returning name
