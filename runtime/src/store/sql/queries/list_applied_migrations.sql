-- Versions already applied to this database (or schema), lowest first. No parameters.
select version from schema_migrations order by version
