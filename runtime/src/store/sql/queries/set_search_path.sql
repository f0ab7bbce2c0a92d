-- Points a new connection at the store's schema, so every unqualified table name resolves there.
-- $1 text: the search_path value (an already quoted schema identifier).
select set_config('search_path', $1::text, false)
