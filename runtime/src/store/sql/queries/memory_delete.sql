-- Deletes an entry (its embedding goes with it); returns a row saying whether it was live.
-- $1 text: tenant_id; $2 text: scope; $3 text: scope_id; $4 text: key.
delete from memory
where tenant_id = $1::text and scope = $2::text and scope_id = $3::text and key = $4::text
returning (expires_at is null or expires_at > now()) as live
