-- Ids of runs waiting for a worker, oldest first (re-enqueued at start-up). No parameters.
select id from runs where status = 'queued' order by created_at, id
