import { withAuthEnv } from "../config/index.ts";
import type { AuthEnvLoad } from "../config/index.ts";
import type { CliDeps, CommandInput } from "./types.ts";

/**
 * The deps with `<config dir>/auth.env` loaded into their environment (the real environment
 * wins): serve, doctor, run and operator-token all see LOOMCYCLE_AUTH_TOKEN from the file
 * `loomcycle init --with-token` wrote.
 */
export function withAuthEnvFile(deps: CliDeps, values: CommandInput["values"]): { deps: CliDeps; load: AuthEnvLoad } {
  const config = values["config"];
  const load = withAuthEnv({ env: deps.env, cwd: deps.cwd ?? process.cwd(), configFlag: typeof config === "string" ? config : undefined });
  return { deps: { ...deps, env: load.env }, load };
}

/** The bearer a CLI client sends: LOOMCYCLE_AUTH_TOKEN (environment or auth.env); undefined = none. */
export function bearerFrom(env: CliDeps["env"]): string | undefined {
  const token = env["LOOMCYCLE_AUTH_TOKEN"]?.trim();
  return token === undefined || token === "" ? undefined : token;
}
