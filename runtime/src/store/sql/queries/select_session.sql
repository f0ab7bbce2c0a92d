-- One session by id (no row when it does not exist).
-- $1 text: session id.
select * from sessions where id = $1::text
