-- Moves the runtime state to $2 when it is one of $1 (compare-and-set: two concurrent pauses
-- cannot both start); `paused_at` is set when it becomes paused and cleared when it runs again.
-- Returns the new row, or no row when the state was not one of $1.
-- $1 text[]: the states it may move from. $2 text: the new state.
update runtime_state
set state = $2,
    paused_at = case when $2 = 'paused' then now() when $2 = 'running' then null else paused_at end,
    updated_at = now()
where id = 1 and state = any($1::text[])
returning state, paused_at, updated_at
