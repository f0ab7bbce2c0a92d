-- 0015_idempotency: the caller's Idempotency-Key on POST /v1/runs. A repeated key returns the run
-- it created instead of a new one; unique per tenant, so two tenants' keys never collide and a
-- concurrent duplicate loses on the index rather than creating a second run.
alter table runs add column idempotency_key text null;
create unique index runs_tenant_idempotency_key_idx on runs (tenant_id, idempotency_key) where idempotency_key is not null;
