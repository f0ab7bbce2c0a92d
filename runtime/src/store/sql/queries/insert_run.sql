-- Creates a run in status 'queued' and returns its row. Its first events are appended by
-- append_events.sql in the same transaction.
-- $1 text: id; $2 text: session_id; $3 text: tenant_id; $4 text: agent; $5 text: agent_id;
-- $6 text|null: user_id; $7 text: metadata as JSON text.
insert into runs (id, session_id, tenant_id, agent, agent_id, user_id, status, metadata)
values ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, 'queued', $7::text::jsonb)
returning *
