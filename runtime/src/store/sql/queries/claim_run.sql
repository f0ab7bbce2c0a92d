-- Moves a queued run to running for one owner and starts its heartbeat; no row when the run is
-- not queued (already claimed, finished, or unknown), so only one claimer ever wins.
-- $1 text: run id; $2 text: owner id (the claiming process).
update runs
set status = 'running',
    owner_id = $2::text,
    started_at = coalesce(started_at, now()),
    heartbeat_at = now()
where id = $1::text and status = 'queued'
returning *
