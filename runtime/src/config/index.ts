/**
 * config/: the zod schema of loomcycle.yaml and the loader that builds the frozen Config from
 * file, environment and flags. The only place that reads the environment. May import domain/.
 */
export { ConfigFile } from "./schema.ts";
export type { Config, ProviderConfig } from "./schema.ts";
