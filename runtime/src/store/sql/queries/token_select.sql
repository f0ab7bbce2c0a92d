-- One token by def_id, or the active token of a name (metadata; the caller never sees hashes).
-- $1 text: def_id (null = by name); $2 text: name.
select *
from operator_tokens
where ($1::text is not null and def_id = $1::text)
   or ($1::text is null and name = $2::text and status = 'active')
