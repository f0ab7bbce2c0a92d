-- Retires (or un-retires) a version of a tenant. A retired version stays in the lineage;
-- resolution skips it. Returns nothing when the tenant has no such definition.
-- $1 text: def_id; $2 text: tenant_id; $3 text: kind; $4 bool: retired.
update definitions
set retired = $4::bool
where def_id = $1::text and tenant_id = $2::text and kind = $3::text
returning def_id
