-- A tenant's hooks in registration order (the order their chain runs in).
-- $1 text: tenant_id.
select * from hooks where tenant_id = $1::text order by ordinal
