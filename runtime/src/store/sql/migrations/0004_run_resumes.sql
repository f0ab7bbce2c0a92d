-- How many times a run was taken back from a process that stopped mid-run, so one that keeps
-- killing its process is interrupted instead of resumed forever.
alter table runs add column resume_count int not null default 0;
