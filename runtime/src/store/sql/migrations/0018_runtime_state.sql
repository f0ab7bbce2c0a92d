-- 0018_runtime_state: the cluster-wide runtime state (POST /v1/_pause, /v1/_resume, GET /v1/_state).
-- One row (id = 1). `pausing` while a pause waits for the runs to park, `paused` once they have;
-- every process reads it at start-up (and after its control connection comes back) to decide
-- whether the runs it claims park at once, and the API refuses new runs while it is not `running`.
create table runtime_state (
  id integer primary key check (id = 1),
  state text not null check (state in ('running', 'pausing', 'paused')),
  paused_at timestamptz null,
  updated_at timestamptz not null default now()
);

insert into runtime_state (id, state) values (1, 'running');
