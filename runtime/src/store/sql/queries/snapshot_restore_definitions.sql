-- Snapshot restore: definition versions, skipping any already present (same def_id, or the same
-- tenant/kind/name/version). A version's parent may be another item of the batch (the foreign
-- key is checked at the end of the statement); a parent that is neither in the batch nor in this
-- database is dropped from the lineage. Returns how many were new.
-- $1 text: the section's items as a JSON array (fields beyond the table's columns are ignored).
with batch as (
  select item, position, array_agg(item ->> 'def_id') over () as def_ids
  from jsonb_array_elements($1::text::jsonb) with ordinality as elements (item, position)
), inserted as (
  insert into definitions
  select d.*
  from batch
  cross join lateral jsonb_populate_record(null::definitions, batch.item
    || case when batch.item ->> 'parent_def_id' is null or batch.item ->> 'parent_def_id' = any(batch.def_ids)
              or exists (select 1 from definitions p where p.def_id = batch.item ->> 'parent_def_id')
            then '{}'::jsonb else '{"parent_def_id": null}'::jsonb end) as d
  order by batch.position
  on conflict do nothing
  returning 1
)
select count(*)::int as restored from inserted
