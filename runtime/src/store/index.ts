/**
 * store/: the storage ports and their adapters (Postgres through `pg`, embedded through PGlite),
 * sharing one set of SQL files and numbered migrations. May import domain/ only.
 */
export type { EventLog, NewRun, NewSession, RunFilter, RunStore, Store } from "./ports.ts";
