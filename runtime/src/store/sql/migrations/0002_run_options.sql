-- Per-run options a caller sets on the request and a worker needs when it executes the run
-- (the user tier, sampling overrides). Durable so a queued run keeps them across restarts.
alter table runs add column options jsonb not null default '{}';
