-- Serializes writes to one (tenant, kind, name) until the surrounding transaction ends, so the
-- ownership check, the next version number and the insert see one consistent state.
-- $1 text: tenant_id; $2 text: kind; $3 text: name.
select pg_advisory_xact_lock(hashtextextended($1::text || chr(31) || $2::text || chr(31) || $3::text, 11))
