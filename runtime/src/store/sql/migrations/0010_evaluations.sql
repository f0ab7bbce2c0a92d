-- Evaluations: scores given to runs by the run itself, by other runs (the Evaluation tool) or by
-- an app (POST /v1/runs/{id}/evaluations). Scores and dimension values are normalized to 0..1.
create table evaluations (
  eval_id text primary key,
  run_id text not null references runs(id),
  tenant_id text not null,
  score double precision not null check (score >= 0 and score <= 1),
  dimensions jsonb not null default '{}'::jsonb,
  judgement text null,
  rationale text null,
  emitter_role text not null check (emitter_role in ('self', 'other', 'api')),
  emitter_agent_id text null,
  emitter_run_id text null,
  created_at timestamptz not null default now()
);
create index evaluations_run on evaluations (run_id, created_at desc);
