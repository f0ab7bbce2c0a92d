-- Creates the table that records applied migrations, when missing. Runs under the migration
-- advisory lock, so two processes never race on it. No parameters.
create table if not exists schema_migrations (
  version int primary key,
  name text not null,
  applied_at timestamptz not null default now()
)
