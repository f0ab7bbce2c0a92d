-- Whether the server can install pgvector (its files are present), before trying to.
select count(*)::int as available from pg_available_extensions where name = 'vector'
