-- The tenants that have at least one token budget: runs of any other tenant skip the budget
-- checks entirely. No parameters.
select distinct tenant_id from token_limits
