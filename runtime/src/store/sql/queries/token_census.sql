-- How many tokens are accepted now, and how many of the active ones are admin-scoped: open mode
-- needs the first to be 0; the shared LOOMCYCLE_AUTH_TOKEN is off once the second is not.
select
  count(*)::int as accepted,
  (count(*) filter (where status = 'active' and scopes ? 'substrate:admin'))::int as admins
from operator_tokens
where status = 'active' or (status = 'rotated' and valid_until > now())
