-- The tenant's run created with this Idempotency-Key less than $3 seconds ago (no row when none).
-- A run that has held the key for $3 seconds or longer releases it in the same statement, so the
-- new run the caller is about to create can take the key (unique per tenant) before the sweep
-- gets to it. The select reads the snapshot before the update, hence its own age filter.
-- $1 text: tenant_id; $2 text: the idempotency key; $3 float8: the retention (TTL) in seconds.
with released as (
  update runs set idempotency_key = null
  where tenant_id = $1::text and idempotency_key = $2::text
    and created_at <= now() - $3::float8 * interval '1 second'
  returning id
)
select * from runs
where tenant_id = $1::text and idempotency_key = $2::text
  and created_at > now() - $3::float8 * interval '1 second'
