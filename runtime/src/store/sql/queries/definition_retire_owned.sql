-- Retires every live version of a (tenant, kind, name) that one Kubernetes object owns: its
-- object is deleted, so the name is released (definition_owner no longer names it).
-- $1 text: tenant_id; $2 text: kind; $3 text: name; $4 text: owner_ref.
update definitions
set retired = true
where tenant_id = $1::text and kind = $2::text and name = $3::text and source = 'kubernetes'
  and owner_ref = $4::text and not retired
returning def_id
