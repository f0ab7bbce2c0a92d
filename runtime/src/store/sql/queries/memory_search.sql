-- Nearest live entries by cosine distance (`<=>`), comparing only embeddings of the query's
-- provider, model and dimension (vectors of different models or sizes are not comparable);
-- score = cosine similarity. `__vector_schema__` is the vector extension's quoted schema.
-- $1 text: tenant_id; $2 text: scope; $3 text|null: scope_id (null = every scope id);
-- $4 text: provider; $5 text: model; $6 int: dimension; $7 text: query vector '[x,y,…]'; $8 int: top_k.
select m.scope_id, m.key, m.value, m.expires_at, m.created_at, m.updated_at, e.provider, e.model,
  1 - (e.embedding operator(__vector_schema__.<=>) $7::text::__vector_schema__.vector) as score
from memory_embeddings e
join memory m on m.tenant_id = e.tenant_id and m.scope = e.scope and m.scope_id = e.scope_id and m.key = e.key
where e.tenant_id = $1::text and e.scope = $2::text and ($3::text is null or e.scope_id = $3::text)
  and e.provider = $4::text and e.model = $5::text and e.dimension = $6::int and e.embedding is not null
  and (m.expires_at is null or m.expires_at > now())
order by e.embedding operator(__vector_schema__.<=>) $7::text::__vector_schema__.vector, m.scope_id collate "C", m.key collate "C"
limit $8::int
