-- Stores a new active operator token. No row when the name is already active (or, for an imported
-- token, when that token is already stored): the service reports TOKEN_NAME_IN_USE.
-- $1 text: def_id; $2 text: name; $3 text: tenant_id; $4 text: subject; $5 jsonb: scopes;
-- $6 text: lookup_id; $7 text: salt; $8 text: token_hash; $9 bool: imported; $10 text: created_by.
insert into operator_tokens (def_id, name, tenant_id, subject, scopes, lookup_id, salt, token_hash, status, imported, created_by)
values ($1::text, $2::text, $3::text, $4::text, $5::jsonb, $6::text, $7::text, $8::text, 'active', $9::bool, $10::text)
on conflict do nothing
returning *
