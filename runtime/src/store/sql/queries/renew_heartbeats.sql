-- Renews the heartbeat of every running run one process owns, proving that process is alive.
-- $1 text: owner id.
update runs set heartbeat_at = now() where owner_id = $1::text and status = 'running'
