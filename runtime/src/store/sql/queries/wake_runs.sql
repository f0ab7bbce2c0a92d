-- Wakes parked runs: moves them from one parked status back to `queued` (the caller enqueues
-- them, and the worker that claims them resumes them from their transcript). Returns their ids.
-- $1 text: the parked status to wake from; $2 text[]|null: only these runs (null = every such run).
update runs
set status = 'queued'
where status = $1::text and ($2::text[] is null or id = any($2::text[]))
returning id
