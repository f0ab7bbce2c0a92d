-- Puts running runs whose owner stopped heart-beating back in the queue, so a worker resumes them
-- from their transcript; a run already resumed $2 times is left for interrupt_stale_runs.
-- $1 timestamptz (ISO-8601 text): the cutoff; a heartbeat (or, with none, a start) older than
-- this is stale; $2 int: the most resumes a run gets. Returns the requeued run ids.
update runs
set status = 'queued',
    owner_id = null,
    resume_count = resume_count + 1
where status = 'running'
  and resume_count < $2::int
  and (heartbeat_at < $1::timestamptz
    or (heartbeat_at is null and started_at < $1::timestamptz))
returning id
