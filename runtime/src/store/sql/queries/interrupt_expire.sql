-- Marks a pending ask whose deadline passed as `expired` (resolved at its deadline); no row otherwise.
-- $1 text: interrupt_id.
update interrupts
set status = 'expired',
    resolved_at = expires_at
where interrupt_id = $1::text
  and status = 'pending'
  and expires_at <= now()
returning *
