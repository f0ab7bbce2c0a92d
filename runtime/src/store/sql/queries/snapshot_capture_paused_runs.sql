-- Snapshot capture: every session (of every tenant) holding a paused run, with all its runs (the
-- paused ones and those before them, whose events the transcript holds; never their sealed
-- credentials) and ALL its events in
-- the order they were written: a continuation replays the whole session. Event ids are local.
select coalesce(jsonb_agg(jsonb_build_object(
    'session', to_jsonb(s),
    'runs', (select jsonb_agg(to_jsonb(r) - 'sealed_credentials' order by r.created_at, r.id) from runs r where r.session_id = s.id),
    'events', (select coalesce(jsonb_agg(to_jsonb(e) - 'id' order by e.id), '[]'::jsonb) from events e where e.session_id = s.id))
  order by s.created_at, s.id), '[]'::jsonb) as items
from sessions s
where s.id in (select session_id from runs where status = 'paused')
