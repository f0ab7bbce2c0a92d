-- One run by id (no row when it does not exist).
-- $1 text: run id.
select * from runs where id = $1::text
