-- Serializes run admission for one quota key (a tenant, or a tenant's user) across every process
-- on the database until the transaction ends; the count that follows then sees every run the
-- previous holder inserted. $1 text: the key.
select pg_advisory_xact_lock(hashtextextended($1::text, 0))
