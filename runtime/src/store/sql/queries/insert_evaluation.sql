-- Stores one evaluation and returns its row.
-- $1 text: eval_id; $2 text: run_id; $3 text: tenant_id; $4 float8: score (0..1);
-- $5 text: dimensions as JSON text; $6 text|null: judgement; $7 text|null: rationale;
-- $8 text: emitter_role; $9 text|null: emitter_agent_id; $10 text|null: emitter_run_id.
insert into evaluations (eval_id, run_id, tenant_id, score, dimensions, judgement, rationale, emitter_role, emitter_agent_id, emitter_run_id)
values ($1::text, $2::text, $3::text, $4::float8, $5::text::jsonb, $6::text, $7::text, $8::text, $9::text, $10::text)
returning *
