/**
 * config/: the zod schema of loomcycle.yaml and the loader that builds the frozen Config from
 * file, agents dir, environment and flags. The only place that reads the environment. May import domain/.
 */
export { ConfigFile } from "./schema.ts";
export type { AuthConfig, ClusterConfig, Config, ModelRef, Pricing, ProviderConfig, UserTierPolicy } from "./schema.ts";
export { loadConfig } from "./load.ts";
export type { ConfigFlags, LoadConfigOptions } from "./load.ts";
export { defaultConfigPath, defaultDataDir } from "./paths.ts";
export type { Env } from "./paths.ts";
export { BUILTIN_DEFAULT_AGENT } from "./merge-agents.ts";
export { BUILTIN_PROVIDER_KEYS } from "./provider-keys.ts";
export { LOG_LEVELS } from "./env.ts";
export type { ProviderDriver, ProviderEndpoint, VolumeConfig } from "./schema.ts";
export { AUTH_ENV_FILE, authEnvPath, formatAuthEnv, parseAuthEnv, withAuthEnv } from "./auth-env-file.ts";
export type { AuthEnvLoad } from "./auth-env-file.ts";
export { isLoopbackHost } from "./auth-env-file.ts";
