-- Renews the heartbeat of the running runs one process owns, proving that process is alive.
-- $1 text: owner id; $2 text[]|null: only these runs (the ones it still executes; null = all of
-- them). A run the process gave up on without recording its end (the store was away) is left
-- out, so it goes stale and another worker resumes it.
update runs set heartbeat_at = now()
where owner_id = $1::text and status = 'running' and ($2::text[] is null or id = any($2::text[]))
