-- Snapshot restore: channel declarations (an existing channel keeps its settings) and their
-- partitions' last handed-out ids (raised, never lowered, so new ids never reuse a restored one).
-- $1 text: the channels section's items as a JSON array.
with declared as (
  insert into channels
  select c.*
  from jsonb_array_elements($1::text::jsonb) as item
  cross join lateral jsonb_populate_record(null::channels, item) as c
  on conflict do nothing
  returning 1
), partitions as (
  select p.tenant_id, p.channel, p.scope, p.scope_id, max(p.last_id) as last_id
  from (
    select (item ->> 'tenant_id') as tenant_id, (item ->> 'name') as channel, part.scope, part.scope_id, part.last_id
    from jsonb_array_elements($1::text::jsonb) as item
    cross join lateral jsonb_to_recordset(item -> 'partitions') as part (scope text, scope_id text, last_id bigint)
    union all
    select (item ->> 'tenant_id'), (item ->> 'name'), msg.scope, msg.scope_id, msg.id
    from jsonb_array_elements($1::text::jsonb) as item
    cross join lateral jsonb_to_recordset(item -> 'messages') as msg (scope text, scope_id text, id bigint)
  ) p
  group by p.tenant_id, p.channel, p.scope, p.scope_id
), raised as (
  insert into channel_partitions (tenant_id, channel, scope, scope_id, last_id)
  select tenant_id, channel, scope, scope_id, last_id from partitions
  on conflict (tenant_id, channel, scope, scope_id) do update set last_id = greatest(channel_partitions.last_id, excluded.last_id)
  returning 1
)
select (select count(*)::int from declared) as channels, (select count(*)::int from raised) as partitions
