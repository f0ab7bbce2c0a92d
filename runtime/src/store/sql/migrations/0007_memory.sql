-- Memory: scoped JSON key-value entries (agent | user | tenant | run), keyed per tenant. An
-- entry past expires_at is invisible to every read and removed by the sweep. Embeddings live in
-- memory_embeddings; its `embedding vector` column is added by the store once the pgvector
-- extension is present (store/sql/sql-memory-store.ts), so this migration runs without pgvector.
create table memory (
  tenant_id text not null,
  scope text not null,
  scope_id text not null,
  key text not null,
  value jsonb not null,
  bytes int not null,
  expires_at timestamptz null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, scope, scope_id, key)
);
create index memory_expires_at on memory (expires_at) where expires_at is not null;

-- One embedding per entry, with the model and dimension that made it: search compares only
-- vectors of the query's model and dimension. Deleting the entry deletes its embedding.
create table memory_embeddings (
  tenant_id text not null,
  scope text not null,
  scope_id text not null,
  key text not null,
  provider text not null,
  model text not null,
  dimension int not null,
  embed_text text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, scope, scope_id, key),
  foreign key (tenant_id, scope, scope_id, key) references memory (tenant_id, scope, scope_id, key) on delete cascade
);
