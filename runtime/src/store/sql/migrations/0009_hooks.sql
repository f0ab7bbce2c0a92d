-- Tool-use hooks (loomcycle §9.8): HTTP callbacks around tool calls, per tenant. (tenant_id,
-- owner, name) identifies a hook, so registering it again replaces it in place; `ordinal` keeps
-- the registration order the chain runs in.
create table hooks (
  id text primary key,
  ordinal bigserial not null,
  tenant_id text not null,
  owner text not null,
  name text not null,
  phase text not null check (phase in ('pre', 'post')),
  agents jsonb not null default '[]'::jsonb,
  tools jsonb not null default '[]'::jsonb,
  callback_url text not null,
  fail_mode text not null check (fail_mode in ('open', 'closed')),
  timeout_ms int not null,
  created_at timestamptz not null default now(),
  unique (tenant_id, owner, name)
);

create index hooks_tenant_ordinal on hooks (tenant_id, ordinal);
