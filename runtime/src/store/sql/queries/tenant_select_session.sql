-- One session by id within a tenant: a session of another tenant reads like a missing one.
-- $1 text: tenant_id; $2 text: session id.
select * from sessions where tenant_id = $1::text and id = $2::text
