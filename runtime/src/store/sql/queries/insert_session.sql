-- Creates a session and returns its row.
-- $1 text: id; $2 text: tenant_id; $3 text: agent; $4 text|null: user_id.
insert into sessions (id, tenant_id, agent, user_id)
values ($1::text, $2::text, $3::text, $4::text)
returning *
