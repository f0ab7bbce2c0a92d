-- The schema the pgvector extension is installed in (no row: not installed in this database).
select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'vector'
