-- Records a run's outcome and releases its owner; a run that already finished is left unchanged.
-- Returns the id when the row changed (the caller then appends the run's final events).
-- $1 text: run id; $2 text: final status; $3 text|null: stop_reason; $4 text|null: error;
-- $5..$8 bigint: input, output, cache-creation and cache-read tokens;
-- $9 text|null: provider; $10 text|null: model.
update runs
set status = $2::text,
    stop_reason = $3::text,
    error = $4::text,
    input_tokens = $5::bigint,
    output_tokens = $6::bigint,
    cache_creation_input_tokens = $7::bigint,
    cache_read_input_tokens = $8::bigint,
    provider = $9::text,
    model = $10::text,
    completed_at = now(),
    owner_id = null
where id = $1::text and status in ('queued', 'running')
returning id
