-- Deletes a tenant's runtime channel with its messages and cursors (cascade); yaml channels are kept.
-- $1 text: tenant_id; $2 text: name. Returns the deleted name, or no row.
delete from channels where tenant_id = $1::text and name = $2::text and source <> 'yaml'
returning name
