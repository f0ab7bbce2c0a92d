-- Lineage of sub-agent runs (Agent op=spawn / parallel_spawn): a child run points at the run
-- that spawned it, at the top-level run of its tree, and knows how deep it is, so a cancel can
-- cascade to every descendant and a spawn past the depth cap can be refused. `parent_agent_id`
-- copies the parent's (immutable) caller handle, so status documents answer it without a join.
alter table runs add column parent_run_id text null references runs (id);
alter table runs add column parent_agent_id text null;
alter table runs add column root_run_id text null;
alter table runs add column depth int not null default 0;
update runs set root_run_id = id where root_run_id is null;
alter table runs alter column root_run_id set not null;

-- list_active_descendants walks parent_run_id downwards; only children are indexed.
create index runs_parent_run_id_idx on runs (parent_run_id) where parent_run_id is not null;
