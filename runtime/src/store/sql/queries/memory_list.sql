-- Live entries of one scope id whose key starts with a prefix, in byte order of the key (the
-- same on every collation). The caller asks for one more than it shows to learn `truncated`.
-- $1 text: tenant_id; $2 text: scope; $3 text: scope_id; $4 text: key prefix ('' = all); $5 int: limit.
select key, value, expires_at, created_at, updated_at
from memory
where tenant_id = $1::text and scope = $2::text and scope_id = $3::text and starts_with(key, $4::text)
  and (expires_at is null or expires_at > now())
order by key collate "C"
limit $5::int
