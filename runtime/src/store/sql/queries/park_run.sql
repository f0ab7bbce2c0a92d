-- Parks a running run: it leaves its owner without ending (`awaiting_input`, `paused`, or
-- `queued` to be taken by another worker), records its usage so far, and appends the events it
-- emitted last, in ONE statement. Only the owner can park its run; returns the id when it did.
-- `awaiting_input` is refused while the run has unconsumed steered input or a cancel request.
-- $1 text: run id; $2 text: owner id; $3 text: the parked status;
-- $4..$7 bigint: input, output, cache-creation and cache-read tokens so far;
-- $8 text[]: run_id; $9 int[]: seq; $10 text[]: session_id; $11 text[]: ts as ISO-8601;
-- $12 text[]: event type; $13 text[]: the whole RunEvent as JSON text.
with parked as (
  update runs
  set status = $3::text,
      input_tokens = $4::bigint,
      output_tokens = $5::bigint,
      cache_creation_input_tokens = $6::bigint,
      cache_read_input_tokens = $7::bigint,
      owner_id = null,
      heartbeat_at = null
  where id = $1::text and status = 'running' and owner_id = $2::text
    -- An interactive run does not wait for input it already has, nor once it is cancelled: the
    -- park is refused and the owner hands the run back as `queued` (it takes the input, or ends).
    and ($3::text <> 'awaiting_input' or (
      cancel_requested_at is null and unconsumed_inputs = 0
    ))
  returning id
), final_events as (
  insert into events (run_id, seq, session_id, ts, type, payload)
  select batch.run_id, batch.seq, batch.session_id, batch.ts::timestamptz, batch.type, batch.payload::jsonb
  from unnest($8::text[], $9::int[], $10::text[], $11::text[], $12::text[], $13::text[])
    with ordinality as batch (run_id, seq, session_id, ts, type, payload, position)
  where exists (select 1 from parked)
  order by batch.position
)
select id from parked
