-- Whether memory_embeddings has its vector column (added once pgvector is enabled).
select count(*)::int as present
from information_schema.columns
where table_schema = current_schema() and table_name = 'memory_embeddings' and column_name = 'embedding'
