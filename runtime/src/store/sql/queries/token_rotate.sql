-- Replaces the active token `$1` in one statement: the old row becomes `rotated` (accepted until
-- $2, the end of the grace; retired at once when $2 is now or earlier), and a new active row with
-- the same name, tenant, subject and scopes takes its place. No row when $1 is not active.
-- $1 text: old def_id; $2 timestamptz: old token valid until; $3 text: new def_id; $4 text: lookup_id;
-- $5 text: salt; $6 text: token_hash; $7 text: created_by.
with old as (
  update operator_tokens
  set status = case when $2::timestamptz > now() then 'rotated' else 'retired' end,
      valid_until = $2::timestamptz,
      retired_at = case when $2::timestamptz > now() then null else now() end
  where def_id = $1::text and status = 'active'
  returning def_id, name, tenant_id, subject, scopes
)
insert into operator_tokens (def_id, name, tenant_id, subject, scopes, lookup_id, salt, token_hash, status, rotated_from, created_by)
select $3::text, old.name, old.tenant_id, old.subject, old.scopes, $4::text, $5::text, $6::text, 'active', old.def_id, $7::text
from old
returning *
