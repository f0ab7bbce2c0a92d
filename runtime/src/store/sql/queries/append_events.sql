-- Appends a batch of events in ONE statement, in the order given; a duplicate (run_id, seq),
-- within the batch or against stored rows, fails the whole batch. Parameters are parallel
-- arrays, one element per event:
-- $1 text[]: run_id; $2 int[]: seq; $3 text[]: session_id; $4 text[]: ts as ISO-8601;
-- $5 text[]: event type; $6 text[]: the whole RunEvent as JSON text.
insert into events (run_id, seq, session_id, ts, type, payload)
select batch.run_id, batch.seq, batch.session_id, batch.ts::timestamptz, batch.type, batch.payload::jsonb
from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
  with ordinality as batch (run_id, seq, session_id, ts, type, payload, position)
order by batch.position
