-- Serializes migrations across processes until the surrounding transaction ends.
-- $1 bigint: the advisory lock key (MIGRATION_LOCK_KEY in migrate.ts).
select pg_advisory_xact_lock($1::bigint)
