-- Human-in-the-loop interruptions: a run's `Interruption ask` waits on a `question` row until a
-- person resolves (or declines) it or it expires; `notify` leaves a `notification` row. The
-- interrupt_id is derived from (run, tool call), so a resumed run finds the row it already made.
create table interrupts (
  interrupt_id text primary key,
  run_id text not null references runs (id),
  session_id text not null,
  tenant_id text not null,
  user_id text null,
  agent_name text not null,
  agent_id text not null,
  kind text not null check (kind in ('question', 'notification')),
  status text not null
    check (status in ('pending', 'resolved', 'declined', 'expired', 'cancelled', 'delivered')),
  question text not null,
  options jsonb not null default '[]',
  context_data text null,
  priority text not null check (priority in ('low', 'normal', 'high')),
  answer text null,
  created_at timestamptz not null default now(),
  expires_at timestamptz null,
  resolved_at timestamptz null,
  resolved_by text null
);

-- A run's interrupts (GET /v1/runs/{id}/interrupts, the per-run pending cap), oldest first.
create index interrupts_run_id_created_at_idx on interrupts (run_id, created_at);
-- A user's inbox (GET /v1/users/{id}/interrupts), newest first.
create index interrupts_user_id_created_at_idx on interrupts (user_id, created_at desc);

-- The interrupts as of now: a pending ask past its expires_at reads `expired` (resolved at its
-- deadline) even before anything marks it, so lists and the inbox never show a dead question.
create view interrupts_now as
select
  interrupt_id, run_id, session_id, tenant_id, user_id, agent_name, agent_id, kind,
  case when status = 'pending' and expires_at <= now() then 'expired' else status end as status,
  question, options, context_data, priority, answer, created_at, expires_at,
  case when status = 'pending' and expires_at <= now() then expires_at else resolved_at end as resolved_at,
  resolved_by
from interrupts;
