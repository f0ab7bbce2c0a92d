-- One interruption as of now (a pending ask past its deadline reads `expired`); no row when unknown.
-- $1 text: interrupt_id.
select * from interrupts_now where interrupt_id = $1::text
