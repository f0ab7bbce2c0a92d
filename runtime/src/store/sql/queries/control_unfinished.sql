-- Which of these runs have not finished yet (an unacknowledged cancel is re-checked here).
-- $1 text[]: run ids.
select id from runs where id = any($1::text[]) and status in ('queued', 'running', 'awaiting_input', 'paused')
