-- Readiness probe: the cheapest query the server must answer. No parameters.
select 1 as one
