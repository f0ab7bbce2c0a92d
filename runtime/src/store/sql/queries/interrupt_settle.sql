-- Ends a pending ask that has not expired: answered (`resolved`), `declined` or `cancelled`.
-- No row when it is not pending any more or its deadline passed, so only one resolver wins.
-- $1 text: interrupt_id; $2 text: new status; $3 text|null: answer; $4 text|null: resolved_by.
update interrupts
set status = $2::text,
    answer = $3::text,
    resolved_by = $4::text,
    resolved_at = now()
where interrupt_id = $1::text
  and status = 'pending'
  and (expires_at is null or expires_at > now())
returning *
