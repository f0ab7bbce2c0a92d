-- Adds the vector column once pgvector exists; no fixed dimension, so several models can share
-- it. `__vector_schema__` is the extension's quoted schema. Idempotent.
alter table memory_embeddings add column if not exists embedding __vector_schema__.vector
