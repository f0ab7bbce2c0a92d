-- A restore's statements are one-off and their tables may look empty to the planner: JIT
-- compilation would cost seconds and save nothing.
set local jit = off
