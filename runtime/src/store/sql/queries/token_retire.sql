-- Revokes at once every token of a name that is still accepted (the active one and rotated ones
-- in their grace), or one token by def_id. Returns the rows it retired.
-- $1 text: def_id (null = by name); $2 text: name (null = by def_id).
update operator_tokens
set status = 'retired', retired_at = now()
where status <> 'retired'
  and (($1::text is not null and def_id = $1::text) or ($1::text is null and name = $2::text))
returning *
