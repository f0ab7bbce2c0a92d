-- Appends a batch of events in ONE statement, in the order given; a duplicate (run_id, seq),
-- within the batch or against stored rows, fails the whole batch. Each `usage` event also
-- becomes a row of the token_usage ledger, in the same statement. Parameters are parallel
-- arrays, one element per event:
-- $1 text[]: run_id; $2 int[]: seq; $3 text[]: session_id; $4 text[]: ts as ISO-8601;
-- $5 text[]: event type; $6 text[]: the whole RunEvent as JSON text.
with inserted as (
  insert into events (run_id, seq, session_id, ts, type, payload)
  select batch.run_id, batch.seq, batch.session_id, batch.ts::timestamptz, batch.type, batch.payload::jsonb
  from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
    with ordinality as batch (run_id, seq, session_id, ts, type, payload, position)
  order by batch.position
  returning run_id, seq, session_id, ts, type, payload
)
insert into token_usage (
  run_id, seq, session_id, tenant_id, user_id, agent, ts, provider, model,
  input_tokens, output_tokens, cache_creation_input_tokens, cache_read_input_tokens, cost, cost_currency
)
select inserted.run_id, inserted.seq, inserted.session_id, runs.tenant_id, runs.user_id, runs.agent, inserted.ts,
  coalesce(inserted.payload -> 'usage' ->> 'provider', ''),
  coalesce(inserted.payload -> 'usage' ->> 'model', ''),
  coalesce((inserted.payload -> 'usage' ->> 'input_tokens')::bigint, 0),
  coalesce((inserted.payload -> 'usage' ->> 'output_tokens')::bigint, 0),
  coalesce((inserted.payload -> 'usage' ->> 'cache_creation_input_tokens')::bigint, 0),
  coalesce((inserted.payload -> 'usage' ->> 'cache_read_input_tokens')::bigint, 0),
  (inserted.payload -> 'usage' ->> 'cost')::double precision,
  inserted.payload -> 'usage' ->> 'cost_currency'
from inserted
join runs on runs.id = inserted.run_id
where inserted.type = 'usage'
