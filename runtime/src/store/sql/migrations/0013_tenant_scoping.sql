-- 0013_tenant_scoping: every data plane is keyed by tenant. Channels had no tenant: a channel is
-- now (tenant_id, name), and its partitions, messages and cursors carry the tenant too, so two
-- tenants may declare the same name without seeing each other's messages. Existing rows belong
-- to the default tenant. Plus the indexes the tenant-scoped reads use.
alter table channels add column tenant_id text not null default 'default';
alter table channel_partitions add column tenant_id text not null default 'default';
alter table channel_messages add column tenant_id text not null default 'default';
alter table channel_cursors add column tenant_id text not null default 'default';

alter table channel_partitions drop constraint channel_partitions_channel_fkey;
alter table channel_messages drop constraint channel_messages_channel_fkey;
alter table channel_cursors drop constraint channel_cursors_channel_fkey;

alter table channels drop constraint channels_pkey;
alter table channels add primary key (tenant_id, name);

alter table channel_partitions drop constraint channel_partitions_pkey;
alter table channel_partitions add primary key (tenant_id, channel, scope, scope_id);
alter table channel_partitions add foreign key (tenant_id, channel) references channels (tenant_id, name) on delete cascade;

alter table channel_messages drop constraint channel_messages_pkey;
alter table channel_messages add primary key (tenant_id, channel, scope, scope_id, id);
alter table channel_messages add foreign key (tenant_id, channel) references channels (tenant_id, name) on delete cascade;
drop index channel_messages_dedupe;
create unique index channel_messages_dedupe on channel_messages (tenant_id, channel, scope, scope_id, dedupe_key) where dedupe_key is not null;

alter table channel_cursors drop constraint channel_cursors_pkey;
alter table channel_cursors add primary key (tenant_id, channel, scope, scope_id, subscriber);
alter table channel_cursors add foreign key (tenant_id, channel) references channels (tenant_id, name) on delete cascade;

-- New rows must name their tenant.
alter table channels alter column tenant_id drop default;
alter table channel_partitions alter column tenant_id drop default;
alter table channel_messages alter column tenant_id drop default;
alter table channel_cursors alter column tenant_id drop default;

-- A tenant's runs of a user, newest first (GET /v1/users/{id}/agents).
create index runs_tenant_user_created_at_idx on runs (tenant_id, user_id, created_at desc);
-- A user's inbox within a tenant (GET /v1/users/{id}/interrupts).
create index interrupts_tenant_user_created_at_idx on interrupts (tenant_id, user_id, created_at desc);
