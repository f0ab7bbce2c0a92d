-- Deletes every expired memory entry (embeddings cascade); returns how many went.
with gone as (delete from memory where expires_at <= now() returning 1)
select count(*)::int as deleted from gone
