-- 0022_sealed_credentials: a run's per-run credentials (user_bearer, user_credentials), sealed
-- with AES-256-GCM under a key derived from LOOMCYCLE_SECRET_KEY, so the process that resumes
-- the run (another worker, or this one after a restart) can still use them. Never plaintext;
-- cleared when the run ends. Without LOOMCYCLE_SECRET_KEY the column stays null and credentials
-- live only in the accepting process's memory.
alter table runs add column sealed_credentials text null;
