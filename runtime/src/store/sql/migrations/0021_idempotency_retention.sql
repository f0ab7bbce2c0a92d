-- 0021_idempotency_retention: Idempotency-Keys are honoured for LOOMCYCLE_IDEMPOTENCY_TTL_SECONDS
-- after the run's creation. The periodic sweep clears the keys of older runs; this index keeps it
-- to the keyed runs, oldest first, instead of a scan of every run.
create index runs_idempotency_created_at_idx on runs (created_at) where idempotency_key is not null;
