/**
 * cli/: the `loomcycle` command (serve, init, doctor, run). May import domain/ and config/, and
 * service/ and transports/http for types only; main.ts injects the runtime factory and the store
 * probe, so the CLI never builds adapters itself.
 */
export { runCli } from "./run-cli.ts";
export type { CliDeps, StartedRuntime } from "./types.ts";
