-- Stores an entry's embedding with the model and dimension that made it. `__vector_schema__` is
-- replaced by the quoted schema the vector extension lives in (sql-memory-store.ts).
-- $1 text: tenant_id; $2 text: scope; $3 text: scope_id; $4 text: key; $5 text: provider;
-- $6 text: model; $7 int: dimension; $8 text: the embedded text; $9 text: the vector as '[x,y,…]'.
insert into memory_embeddings (tenant_id, scope, scope_id, key, provider, model, dimension, embed_text, embedding)
values ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::int, $8::text, $9::text::__vector_schema__.vector)
