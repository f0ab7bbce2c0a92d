-- Tokens, newest first, optionally of one name and/or one tenant; retired ones only when asked.
-- $1 text: name (null = all); $2 text: tenant_id (null = all); $3 bool: include retired.
select *
from operator_tokens
where ($1::text is null or name = $1::text)
  and ($2::text is null or tenant_id = $2::text)
  and ($3::bool or status <> 'retired')
order by created_at desc, def_id desc
limit 1000
