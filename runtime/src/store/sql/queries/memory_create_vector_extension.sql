-- Installs pgvector into `public`, never into a store's own schema (dropping a test schema must
-- not drop the extension other schemas use). A no-op when it is installed anywhere already.
create extension if not exists vector schema public
