-- Registers a hook, or replaces the one with the same (tenant_id, owner, name), keeping its id
-- and its place in the chain. Returns the stored row.
-- $1 text: id (used when new); $2 text: tenant_id; $3 text: owner; $4 text: name; $5 text: phase;
-- $6 jsonb: agents; $7 jsonb: tools; $8 text: callback_url; $9 text: fail_mode; $10 int: timeout_ms.
insert into hooks (id, tenant_id, owner, name, phase, agents, tools, callback_url, fail_mode, timeout_ms)
values ($1::text, $2::text, $3::text, $4::text, $5::text, $6::jsonb, $7::jsonb, $8::text, $9::text, $10::int)
on conflict (tenant_id, owner, name) do update
set phase = excluded.phase,
    agents = excluded.agents,
    tools = excluded.tools,
    callback_url = excluded.callback_url,
    fail_mode = excluded.fail_mode,
    timeout_ms = excluded.timeout_ms,
    created_at = now()
returning *
