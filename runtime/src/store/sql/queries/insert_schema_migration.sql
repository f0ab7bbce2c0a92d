-- Records one applied migration.
-- $1 int: version (the NNNN of the file name); $2 text: its name (the rest of the file name).
insert into schema_migrations (version, name, applied_at) values ($1::int, $2::text, now())
