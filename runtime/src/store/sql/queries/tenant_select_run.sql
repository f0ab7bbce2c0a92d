-- One run by id within a tenant: a run of another tenant reads like a missing one (no row).
-- $1 text: tenant_id; $2 text: run id.
select * from runs where tenant_id = $1::text and id = $2::text
