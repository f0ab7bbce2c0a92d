-- 0016_control: a durable cancel request on the run row. The process that receives a cancel
-- records it here (in the statement that finds the run and its unfinished descendants) before
-- it tells the owner over the control backplane, so a run whose owner missed the notice (its
-- LISTEN connection was down, or the run was still queued) is cancelled when the owner
-- resynchronises or when a worker claims it.
alter table runs add column cancel_requested_at timestamptz null;
alter table runs add column cancel_reason text null;

-- The owner's resync: its running runs with a cancel request.
create index runs_cancel_requested_idx on runs (owner_id) where cancel_requested_at is not null and status = 'running';
