-- One evaluation by id (no row when it does not exist).
-- $1 text: eval_id.
select * from evaluations where eval_id = $1::text
