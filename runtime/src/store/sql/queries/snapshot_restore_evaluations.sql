-- Snapshot restore: evaluations (one already present is skipped). Returns how many were new.
-- $1 text: the evaluations section's items as a JSON array.
with inserted as (
  insert into evaluations
  select e.*
  from jsonb_array_elements($1::text::jsonb) as item
  cross join lateral jsonb_populate_record(null::evaluations, item) as e
  on conflict do nothing
  returning 1
)
select count(*)::int as restored from inserted
