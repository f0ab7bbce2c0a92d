-- Deletes a snapshot (a missing one is no error).
-- $1 text: id.
delete from snapshots where id = $1::text
