/**
 * The controller's configuration: the only place (with main.ts) that reads the environment.
 * load.ts parses the controller's variables and calls injector-config.ts for the webhook ones.
 */
export { ConfigError, loadConfig } from "./load.ts";
export type { ControllerConfig } from "./load.ts";
export { InjectorConfigError, parseInjectorConfig } from "./injector-config.ts";
export type { InjectorConfig, NativeSidecarMode, SidecarConfig, WebhookCertMode } from "./injector-config.ts";
