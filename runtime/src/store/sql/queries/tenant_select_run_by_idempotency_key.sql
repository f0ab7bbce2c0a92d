-- The tenant's run created with this Idempotency-Key (no row when none, or another tenant's).
-- $1 text: tenant_id; $2 text: the idempotency key.
select * from runs where tenant_id = $1::text and idempotency_key = $2::text
