-- Snapshot capture: every evaluation of every tenant, oldest first.
select coalesce(jsonb_agg(to_jsonb(e) order by e.created_at, e.eval_id), '[]'::jsonb) as items
from evaluations e
