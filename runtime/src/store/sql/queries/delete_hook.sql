-- Deletes one of a tenant's hooks; returns its id when it existed.
-- $1 text: tenant_id; $2 text: hook id.
delete from hooks where tenant_id = $1::text and id = $2::text returning id
