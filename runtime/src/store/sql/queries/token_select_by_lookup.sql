-- The token a bearer names, if it is still accepted: active, or rotated and inside its grace.
-- $1 text: lookup_id.
select *
from operator_tokens
where lookup_id = $1::text
  and (status = 'active' or (status = 'rotated' and valid_until > now()))
