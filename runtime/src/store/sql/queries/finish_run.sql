-- Records a run's outcome, releases its owner and appends its final events (the terminal
-- done/error), in ONE statement. A run that already finished is left unchanged and gets no
-- events. Questions the run still waits on (Interruption asks) are withdrawn: nobody may answer a
-- finished run. Returns the id when the row changed.
-- $1 text: run id; $2 text: final status; $3 text|null: stop_reason; $4 text|null: error;
-- $5..$8 bigint: input, output, cache-creation and cache-read tokens;
-- $9 text|null: provider; $10 text|null: model;
-- $11 text[]: run_id; $12 int[]: seq; $13 text[]: session_id; $14 text[]: ts as ISO-8601;
-- $15 text[]: event type; $16 text[]: the whole RunEvent as JSON text.
with finished as (
  update runs
  set status = $2::text,
      stop_reason = $3::text,
      error = $4::text,
      input_tokens = $5::bigint,
      output_tokens = $6::bigint,
      cache_creation_input_tokens = $7::bigint,
      cache_read_input_tokens = $8::bigint,
      provider = $9::text,
      model = $10::text,
      completed_at = now(),
      owner_id = null,
      sealed_credentials = null
  where id = $1::text and status in ('queued', 'running')
  returning id
), final_events as (
  insert into events (run_id, seq, session_id, ts, type, payload)
  select batch.run_id, batch.seq, batch.session_id, batch.ts::timestamptz, batch.type, batch.payload::jsonb
  from unnest($11::text[], $12::int[], $13::text[], $14::text[], $15::text[], $16::text[])
    with ordinality as batch (run_id, seq, session_id, ts, type, payload, position)
  where exists (select 1 from finished)
  order by batch.position
), withdrawn as (
  update interrupts set status = 'cancelled', resolved_at = now(), resolved_by = 'runtime'
  where run_id in (select id from finished) and status = 'pending'
)
select id from finished
