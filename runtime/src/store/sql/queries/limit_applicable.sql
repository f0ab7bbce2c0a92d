-- The token budgets a run of (tenant, user) is subject to, with month-to-date usage: the tenant's
-- budget and, when $3 is not null, that user's.
-- $1 text: tenant_id; $2 text: since, ISO-8601; $3 text|null: user_id.
select l.tenant_id, l.scope, l.scope_id, l.soft_limit, l.hard_limit, l.updated_at, l.updated_by,
  coalesce((select sum(u.input_tokens + u.output_tokens) from token_usage u
            where u.tenant_id = l.tenant_id and u.ts >= $2::timestamptz
              and (l.scope = 'tenant' or u.user_id = l.scope_id)), 0) as used
from token_limits l
where l.tenant_id = $1::text
  and (l.scope = 'tenant' or (l.scope = 'user' and l.scope_id = $3::text))
order by case l.scope when 'tenant' then 0 else 1 end
