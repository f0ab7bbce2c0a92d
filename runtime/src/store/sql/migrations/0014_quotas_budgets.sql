-- 0014_quotas_budgets: monthly token budgets, and the indexes admission control reads.

-- Soft/hard monthly token budgets per tenant or per user (loomcycle RFC AW). A null tier is unset.
create table token_limits (
  tenant_id text not null,
  scope text not null check (scope in ('tenant', 'user')),
  scope_id text not null,
  soft_limit bigint null check (soft_limit >= 0),
  hard_limit bigint null check (hard_limit >= 0),
  updated_at timestamptz not null default now(),
  updated_by text not null,
  primary key (tenant_id, scope, scope_id)
);

-- Concurrency quotas count a tenant's (and a user's) queued and running top-level runs inside the
-- run-creating transaction: the runs table is the counter, so a finished run frees its slot.
create index runs_active_quota_idx on runs (tenant_id, user_id)
  where status in ('queued', 'running') and parent_run_id is null;

-- Month-to-date usage of a tenant and of a user, summed from the ledger at run admission.
create index token_usage_tenant_ts_idx on token_usage (tenant_id, ts);
create index token_usage_tenant_user_ts_idx on token_usage (tenant_id, user_id, ts);
