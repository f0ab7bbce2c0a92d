-- Creates a run in status 'queued' together with its first events, in ONE statement (one round
-- trip, atomic), and returns the run's row. The event parameters are parallel arrays as in
-- append_events.sql.
-- $1 text: id; $2 text: session_id; $3 text: tenant_id; $4 text: agent; $5 text: agent_id;
-- $6 text|null: user_id; $7 text: metadata as JSON text;
-- $8 text[]: run_id; $9 int[]: seq; $10 text[]: session_id; $11 text[]: ts as ISO-8601;
-- $12 text[]: event type; $13 text[]: the whole RunEvent as JSON text;
-- $14 text: run options (user tier, sampling) as JSON text;
-- $15 text|null: parent run id (null = top-level); $16 text|null: the parent's agent_id;
-- $17 text|null: root run id (null = this run is its own root); $18 int: depth (0 = top-level);
-- $19 text|null: the caller's Idempotency-Key (unique per tenant);
-- $20 text|null: the run's sealed per-run credentials.
with run as (
  insert into runs (id, session_id, tenant_id, agent, agent_id, user_id, status, metadata, options,
                    parent_run_id, parent_agent_id, root_run_id, depth, idempotency_key, sealed_credentials)
  values ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, 'queued', $7::text::jsonb, $14::text::jsonb,
          $15::text, $16::text, coalesce($17::text, $1::text), $18::int, $19::text, $20::text)
  returning *
), first_events as (
  insert into events (run_id, seq, session_id, ts, type, payload)
  select batch.run_id, batch.seq, batch.session_id, batch.ts::timestamptz, batch.type, batch.payload::jsonb
  from unnest($8::text[], $9::int[], $10::text[], $11::text[], $12::text[], $13::text[])
    with ordinality as batch (run_id, seq, session_id, ts, type, payload, position)
  order by batch.position
)
select * from run
