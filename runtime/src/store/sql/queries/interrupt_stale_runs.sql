-- Marks running runs whose owner stopped heart-beating as interrupted and appends one error
-- event to each at the run's next seq, in one statement (hence one transaction); their pending
-- Interruption asks are withdrawn. Returns the interrupted run ids.
-- $1 timestamptz (ISO-8601 text): the cutoff; a heartbeat (or, with none, a start) older than
-- this is stale; $2 text: the reason, stored as the run's error and the event's message.
with stale as (
  update runs
  set status = 'interrupted',
      error = $2::text,
      completed_at = now(),
      owner_id = null,
      sealed_credentials = null
  where status = 'running'
    and (heartbeat_at < $1::timestamptz
      or (heartbeat_at is null and started_at < $1::timestamptz))
  returning id, session_id
),
appended as (
  insert into events (run_id, seq, session_id, ts, type, payload)
  select stale.id,
         coalesce((select max(events.seq) from events where events.run_id = stale.id), 0) + 1,
         stale.session_id,
         now(),
         'error',
         jsonb_build_object('type', 'error', 'error', $2::text, 'code', 'interrupted')
  from stale
  returning run_id
),
withdrawn as (
  update interrupts set status = 'cancelled', resolved_at = now(), resolved_by = 'runtime'
  where run_id in (select id from stale) and status = 'pending'
)
select run_id as id from appended order by run_id
