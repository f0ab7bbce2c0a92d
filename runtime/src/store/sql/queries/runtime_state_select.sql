-- The cluster-wide runtime state (one row, migration 0018).
-- No parameters.
select state, paused_at, updated_at from runtime_state where id = 1
