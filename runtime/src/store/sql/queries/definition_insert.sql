-- Inserts a definition version at the name's next version. The statement itself refuses (inserts
-- nothing) an api/config write to a name that a kubernetes version owns, or a kubernetes write
-- from another owner: the ownership rule holds even for a caller that skipped the check. The
-- owner is the latest kubernetes version's, unless it is retired (its object released the name).
-- $1 text: def_id; $2 text: tenant_id; $3 text: kind; $4 text: name; $5 text: parent_def_id;
-- $6 jsonb: definition; $7 text: content_sha256; $8 text: source; $9 text: owner_ref;
-- $10 bool: bootstrapped_from_static; $11 text: created_by; $12 text: created_by_agent_id;
-- $13 text: created_by_run_id.
insert into definitions (def_id, tenant_id, kind, name, version, parent_def_id, definition, content_sha256, source, owner_ref,
                         bootstrapped_from_static, created_by, created_by_agent_id, created_by_run_id)
select $1::text, $2::text, $3::text, $4::text,
       (select coalesce(max(version), 0) + 1 from definitions where tenant_id = $2::text and kind = $3::text and name = $4::text),
       $5::text, $6::jsonb, $7::text, $8::text, $9::text, $10::bool, $11::text, $12::text, $13::text
where not exists (
  select 1 from (
    select owner_ref, retired from definitions
    where tenant_id = $2::text and kind = $3::text and name = $4::text and source = 'kubernetes'
    order by version desc
    limit 1
  ) owner
  where not owner.retired and ($8::text <> 'kubernetes' or owner.owner_ref is distinct from $9::text)
)
returning def_id
