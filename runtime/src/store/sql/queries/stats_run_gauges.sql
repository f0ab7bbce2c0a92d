-- The autoscaling gauges of the whole cluster: unfinished runs per status and the age (seconds)
-- of the oldest heartbeat among running runs (0 when none runs). Each scalar subquery names one
-- status, so it reads a partial index (runs_active_status_idx for queued/running,
-- runs_parked_idx for awaiting_input/paused) rather than the table.
-- No parameters.
select
  (select count(*) from runs where status = 'queued') as queued,
  (select count(*) from runs where status = 'running') as running,
  (select count(*) from runs where status = 'awaiting_input') as awaiting_input,
  (select count(*) from runs where status = 'paused') as paused,
  (select coalesce(extract(epoch from now() - min(heartbeat_at)), 0) from runs where status = 'running') as oldest_heartbeat_age_seconds
