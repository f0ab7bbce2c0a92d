-- Marks inputs consumed (their `user_input` event is in the transcript) and takes them off the
-- run row's count; inputs consumed already are left as they are.
-- $1 text[]: input ids.
with consumed as (
  update run_inputs
  set consumed_at = now()
  where id = any($1::bigint[]) and consumed_at is null
  returning run_id
)
update runs
set unconsumed_inputs = greatest(0, unconsumed_inputs - (select count(*) from consumed where consumed.run_id = runs.id))
where id in (select run_id from consumed)
