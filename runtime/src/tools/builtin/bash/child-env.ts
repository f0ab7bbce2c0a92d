/**
 * The PATH every command gets unless the operator passes the host's through `allowedEnv`: the
 * standard system directories, so no entry of the server's own PATH (e.g. node_modules/.bin)
 * leaks in.
 */
export const SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** An environment variable name a POSIX shell accepts; anything else in `allowedEnv` is a config error. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws when an `allowedEnv` entry is not a variable name, so a typo fails at startup. */
export function assertEnvNames(names: readonly string[]): void {
  const bad = names.filter((name) => !ENV_NAME.test(name));
  if (bad.length > 0) throw new Error(`Bash allowedEnv: not environment variable names: ${bad.join(", ")}`);
}

/**
 * The scrubbed environment of a command: a fixed PATH, HOME = the volume root, LANG and TERM,
 * plus the operator's `allowedEnv` names copied from `source` when set there. `allowedEnv` may
 * override PATH, LANG and TERM; HOME always stays the volume root.
 */
export function buildChildEnv(options: {
  home: string;
  allowedEnv: readonly string[];
  source: Readonly<Record<string, string | undefined>>;
}): Record<string, string> {
  const env: Record<string, string> = { PATH: SAFE_PATH, LANG: "C.UTF-8", TERM: "dumb" };
  for (const name of options.allowedEnv) {
    const value = options.source[name];
    if (value !== undefined) env[name] = value;
  }
  env["HOME"] = options.home;
  return env;
}
