-- The definition substrate (loomcycle §7.1): one table of immutable, content-addressed versions
-- for every kind (agent, skill, mcpserver, schedule, webhook, memorybackend, a2aagent,
-- a2aservercard), and one active pointer per (tenant, kind, name) selecting the current version.
create table definitions (
  def_id text primary key,
  tenant_id text not null,
  kind text not null,
  name text not null,
  version int not null check (version >= 1),
  -- The version this one was forked from (lineage); null for a v1 or a bootstrap from a static agent.
  parent_def_id text null references definitions(def_id),
  definition jsonb not null,
  -- SHA-256 over the canonical JSON of the parsed definition minus its authority ACL fields.
  content_sha256 text not null,
  -- Who owns the name: api / config writes are refused once a kubernetes version exists.
  source text not null check (source in ('api', 'config', 'kubernetes')),
  -- The owning object, e.g. "kubernetes:<namespace>/<name>@<uid>"; null for api writes.
  owner_ref text null,
  retired boolean not null default false,
  bootstrapped_from_static boolean not null default false,
  created_at timestamptz not null default now(),
  created_by text not null,
  created_by_agent_id text null,
  created_by_run_id text null,
  unique (tenant_id, kind, name, version)
);
create index definitions_owner on definitions (tenant_id, kind, name) where source = 'kubernetes';

create table definition_active (
  tenant_id text not null,
  kind text not null,
  name text not null,
  def_id text not null references definitions(def_id),
  promoted_at timestamptz not null default now(),
  promoted_by text not null,
  primary key (tenant_id, kind, name)
);
