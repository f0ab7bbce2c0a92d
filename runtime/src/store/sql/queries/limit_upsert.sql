-- Creates or replaces a token budget (both tiers; null clears one) and returns it with its
-- month-to-date usage.
-- $1 text: tenant_id; $2 text: scope; $3 text: scope_id; $4 bigint|null: soft_limit;
-- $5 bigint|null: hard_limit; $6 text: updated_by; $7 text: since, ISO-8601.
with up as (
  insert into token_limits (tenant_id, scope, scope_id, soft_limit, hard_limit, updated_at, updated_by)
  values ($1::text, $2::text, $3::text, $4::bigint, $5::bigint, now(), $6::text)
  on conflict (tenant_id, scope, scope_id) do update
    set soft_limit = excluded.soft_limit, hard_limit = excluded.hard_limit,
        updated_at = excluded.updated_at, updated_by = excluded.updated_by
  returning *
)
select up.tenant_id, up.scope, up.scope_id, up.soft_limit, up.hard_limit, up.updated_at, up.updated_by,
  coalesce((select sum(u.input_tokens + u.output_tokens) from token_usage u
            where u.tenant_id = up.tenant_id and u.ts >= $7::timestamptz
              and (up.scope = 'tenant' or u.user_id = up.scope_id)), 0) as used
from up
