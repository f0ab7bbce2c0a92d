-- Deletes a token budget; returns its key when there was one.
-- $1 text: tenant_id; $2 text: scope; $3 text: scope_id.
delete from token_limits
where tenant_id = $1::text and scope = $2::text and scope_id = $3::text
returning tenant_id
