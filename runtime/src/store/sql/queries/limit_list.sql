-- A tenant's token budgets with their month-to-date usage (input + output tokens in the ledger
-- since $2), the tenant budget first, then user budgets by user id.
-- $1 text: tenant_id; $2 text: since, ISO-8601.
select l.tenant_id, l.scope, l.scope_id, l.soft_limit, l.hard_limit, l.updated_at, l.updated_by,
  coalesce((select sum(u.input_tokens + u.output_tokens) from token_usage u
            where u.tenant_id = l.tenant_id and u.ts >= $2::timestamptz
              and (l.scope = 'tenant' or u.user_id = l.scope_id)), 0) as used
from token_limits l
where l.tenant_id = $1::text
order by case l.scope when 'tenant' then 0 else 1 end, l.scope_id
