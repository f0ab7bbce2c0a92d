-- Per-principal bearer tokens (loomcycle OperatorTokenDef, §7.2/§10.1). A token is
-- `lct_<lookup_id>_<secret>`: the row is found by lookup_id, and only a salted hash of the secret
-- is stored (sha256(pepper ‖ salt ‖ secret)), compared in constant time. An imported token (the
-- old shared LOOMCYCLE_AUTH_TOKEN, `--copy-from-env`) has no such shape: its lookup_id is a
-- truncated peppered digest of the whole token, and its secret is the whole token.
create table operator_tokens (
  def_id text primary key,
  name text not null,
  tenant_id text not null,
  subject text not null,
  scopes jsonb not null,
  lookup_id text not null unique,
  salt text not null,
  token_hash text not null,
  -- active: accepted; rotated: replaced, accepted until valid_until (the rotation grace);
  -- retired: refused.
  status text not null check (status in ('active', 'rotated', 'retired')),
  valid_until timestamptz null,
  imported boolean not null default false,
  rotated_from text null references operator_tokens(def_id),
  created_at timestamptz not null default now(),
  created_by text not null,
  retired_at timestamptz null
);

-- One active token per name; rotated and retired versions keep the name for lineage.
create unique index operator_tokens_active_name on operator_tokens (name) where status = 'active';
