-- Deletes a runtime channel with its messages and cursors (cascade); yaml channels are kept.
-- $1 text: name. Returns the deleted name, or no row.
delete from channels where name = $1::text and source <> 'yaml'
returning name
