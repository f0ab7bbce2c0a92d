-- Every capture statement of one snapshot reads the same committed state.
set transaction isolation level repeatable read
