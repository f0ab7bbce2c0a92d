-- 0019_run_inputs: steered input (POST /v1/runs/{id}/input). The input is stored here before
-- any process is told about it, so none is lost: a run waiting at `awaiting_input` is woken,
-- a running run takes it at the top of its next iteration, a queued run when it starts. The
-- loop records it as a `user_input` event carrying the input id, then marks it consumed; an
-- id already in the transcript is only marked (exactly once across a crash in between).
create table run_inputs (
  id bigserial primary key,
  run_id text not null references runs (id) on delete cascade,
  text text not null,
  source text not null,
  created_at timestamptz not null default now(),
  consumed_at timestamptz null
);

-- What a run has not taken yet, oldest first.
create index run_inputs_pending_idx on run_inputs (run_id, id) where consumed_at is null;

-- How many inputs of the run are not consumed, kept on the run row by the statements that
-- store and consume inputs: the awaiting_input park checks it in its own row update, so an
-- input stored while the run parks either refuses the park or finds the run parked (and wakes it).
alter table runs add column unconsumed_inputs integer not null default 0;
