-- The retention sweep: releases the Idempotency-Key of every run created $1 seconds ago or
-- earlier (runs_idempotency_created_at_idx, migration 0021), and counts them.
-- $1 float8: the retention (TTL) in seconds.
with expired as (
  update runs set idempotency_key = null
  where idempotency_key is not null and created_at <= now() - $1::float8 * interval '1 second'
  returning 1
)
select count(*) as expired from expired
