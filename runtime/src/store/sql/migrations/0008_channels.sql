-- Channels: durable pub/sub between agents and apps. A channel is declared (runtime API or the
-- config's `channels:`); its messages are numbered per (channel, scope, scope_id) partition, and
-- each subscriber of a partition keeps its own cursor (the id of the last message it consumed).
create table channels (
  name text primary key,
  description text not null default '',
  scope text not null check (scope in ('global', 'user', 'agent')),
  -- Time to live of a message when the publisher gives none; 0 = messages never expire.
  default_ttl_ms bigint not null default 0,
  -- The newest this many messages per partition are kept, older ones are trimmed (lossy); 0 = no cap.
  max_messages int not null default 0,
  -- 'runtime' (declared over the API) or 'yaml' (from the config; not deletable over the API).
  source text not null default 'runtime',
  created_at timestamptz not null default now()
);

-- The last message id handed out per partition: the publish statement bumps it under a row lock,
-- so ids are gapless and increase monotonically even with concurrent publishers.
create table channel_partitions (
  channel text not null references channels(name) on delete cascade,
  scope text not null,
  scope_id text not null,
  last_id bigint not null,
  primary key (channel, scope, scope_id)
);

create table channel_messages (
  channel text not null references channels(name) on delete cascade,
  scope text not null,
  scope_id text not null,
  id bigint not null,
  payload jsonb not null,
  published_at timestamptz not null default now(),
  expires_at timestamptz null,
  -- Set by the Channel tool (run id + tool call id): a resumed run that re-executes the call
  -- gets the message it already published instead of publishing it twice.
  dedupe_key text null,
  primary key (channel, scope, scope_id, id)
);
create unique index channel_messages_dedupe on channel_messages (channel, scope, scope_id, dedupe_key) where dedupe_key is not null;

create table channel_cursors (
  channel text not null references channels(name) on delete cascade,
  scope text not null,
  scope_id text not null,
  subscriber text not null,
  position bigint not null,
  updated_at timestamptz not null default now(),
  primary key (channel, scope, scope_id, subscriber)
);
