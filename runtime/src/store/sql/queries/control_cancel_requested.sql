-- The running runs one process owns that have a cancel request: what it re-checks after its
-- control connection reconnects and on every heartbeat, in case it missed the notice.
-- $1 text: owner id.
select id from runs where owner_id = $1::text and status = 'running' and cancel_requested_at is not null
