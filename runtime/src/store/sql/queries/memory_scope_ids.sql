-- The scope ids of one scope holding live entries, with entry count, value bytes and last write.
-- $1 text: tenant_id; $2 text: scope.
select scope_id, count(*)::int as key_count, sum(bytes)::float8 as bytes, max(updated_at) as updated_at
from memory
where tenant_id = $1::text and scope = $2::text and (expires_at is null or expires_at > now())
group by scope_id
order by scope_id collate "C"
