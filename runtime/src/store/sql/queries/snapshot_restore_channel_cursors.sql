-- Snapshot restore: subscribers' cursors (an existing cursor keeps its position). Returns how
-- many were new.
-- $1 text: the channels section's items as a JSON array (each item's `cursors`).
with inserted as (
  insert into channel_cursors
  select cur.*
  from jsonb_array_elements($1::text::jsonb) as item
  cross join lateral jsonb_populate_recordset(null::channel_cursors, item -> 'cursors') as cur
  where exists (select 1 from channels c where c.tenant_id = cur.tenant_id and c.name = cur.channel)
  on conflict do nothing
  returning 1
)
select count(*)::int as restored from inserted
