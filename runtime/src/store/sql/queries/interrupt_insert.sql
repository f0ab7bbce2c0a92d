-- Records an interruption (an ask's question or a notification); no row when one with this id
-- exists already (a resumed run re-executing the same tool call).
-- $1 text: interrupt_id; $2 text: run_id; $3 text: session_id; $4 text: tenant_id;
-- $5 text|null: user_id; $6 text: agent_name; $7 text: agent_id; $8 text: kind; $9 text: status;
-- $10 text: question; $11 jsonb: options; $12 text|null: context_data; $13 text: priority;
-- $14 timestamptz|null: expires_at.
insert into interrupts (
  interrupt_id, run_id, session_id, tenant_id, user_id, agent_name, agent_id, kind, status,
  question, options, context_data, priority, expires_at
)
values (
  $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text,
  $10::text, $11::jsonb, $12::text, $13::text, $14::timestamptz
)
on conflict (interrupt_id) do nothing
returning *
