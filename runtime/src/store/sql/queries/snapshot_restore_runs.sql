-- Snapshot restore: the runs of paused runs' sessions. A paused run comes back `paused` with no
-- owner and no heartbeat (no process holds it); a run already present is kept. A parent run may
-- be another item of the batch (the foreign key is checked at the end of the statement); a
-- parent that is neither in the batch nor in this database is dropped from the lineage.
-- Returns the ids of the new paused runs, and how many runs were new in all.
-- $1 text: the paused_runs section's items as a JSON array; $2 text[]: every run id of the section.
with inserted as (
  insert into runs
  select r.*
  from jsonb_array_elements($1::text::jsonb) with ordinality as item (value, position)
  cross join lateral jsonb_array_elements(item.value -> 'runs') with ordinality as runs_of (run, run_position)
  cross join lateral jsonb_populate_record(null::runs, runs_of.run
    || case when runs_of.run ->> 'status' = 'paused' then '{"owner_id": null, "heartbeat_at": null}'::jsonb else '{}'::jsonb end
    || case when runs_of.run ->> 'parent_run_id' is null or runs_of.run ->> 'parent_run_id' = any($2::text[])
              or exists (select 1 from runs p where p.id = runs_of.run ->> 'parent_run_id')
            then '{}'::jsonb else '{"parent_run_id": null}'::jsonb end) as r
  order by item.position, runs_of.run_position
  on conflict do nothing
  returning id, status
)
select id, status from inserted
