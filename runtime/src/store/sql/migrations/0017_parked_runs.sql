-- 0017_parked_runs: a run can leave its process without ending. It is PARKED: `awaiting_input`
-- (an interactive run between turns) or `paused` (the runtime was paused). A parked run has no
-- owner and no heartbeat, so no process holds it and no stale-run sweep touches it; waking it
-- puts it back in `queued`, and the worker that claims it resumes it from its transcript.
alter table runs drop constraint runs_status_check;
alter table runs add constraint runs_status_check
  check (status in ('queued', 'running', 'awaiting_input', 'paused', 'completed', 'failed', 'cancelled', 'interrupted'));

-- Resume after a pause wakes every paused run; an interactive run is found by id.
create index runs_parked_idx on runs (status) where status in ('awaiting_input', 'paused');
