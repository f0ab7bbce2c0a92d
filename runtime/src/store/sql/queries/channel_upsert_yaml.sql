-- Declares or updates a channel from the config file: yaml is authoritative for its own channels,
-- so a changed description/ttl/cap applies on the next start. A runtime channel of the same name
-- becomes a yaml one. Changing the scope keeps the old partitions, which the new scope never reads.
-- $1 text: name; $2 text: description; $3 text: scope; $4 bigint: default_ttl_ms; $5 int: max_messages.
insert into channels (name, description, scope, default_ttl_ms, max_messages, source)
values ($1::text, $2::text, $3::text, $4::bigint, $5::int, 'yaml')
on conflict (name) do update
  set description = excluded.description, scope = excluded.scope, default_ttl_ms = excluded.default_ttl_ms,
      max_messages = excluded.max_messages, source = 'yaml'
returning name
