import { dirname } from "node:path";
import type { ConfigIssue } from "./format-issues.ts";
import { realDirectory, resolvePath } from "./paths.ts";
import type { Env } from "./paths.ts";
import type { ConfigFileResult } from "./read-config-file.ts";

/**
 * The skills directory as an absolute REAL path: `LOOMCYCLE_SKILLS_DIR` (relative to the working
 * directory) wins over `skills_dir:` (relative to the config file). Unset = no skills. A named
 * directory that does not exist is a config issue, so a typo never silently disables skills.
 */
export function resolveSkillsDir(options: {
  configFile: ConfigFileResult | null;
  fromEnv: string | undefined;
  env: Env;
  cwd: string;
  issues: ConfigIssue[];
}): string | null {
  const named = namedSkillsDir(options.configFile, options.fromEnv, options.cwd);
  if (named === null) return null;
  const real = realDirectory(resolvePath({ path: named.path, cwd: named.base, env: options.env }));
  if (real === null) options.issues.push({ path: named.by, message: `expected an existing directory, got ${JSON.stringify(named.path)}` });
  return real;
}

/** Which setting names the skills directory, and what a relative path in it is relative to. */
function namedSkillsDir(configFile: ConfigFileResult | null, fromEnv: string | undefined, cwd: string): { path: string; base: string; by: string } | null {
  if (fromEnv !== undefined) return { path: fromEnv, base: cwd, by: "LOOMCYCLE_SKILLS_DIR" };
  const fromFile = configFile?.data?.skills_dir;
  if (configFile === null || fromFile === undefined) return null;
  return { path: fromFile, base: dirname(configFile.file), by: "skills_dir" };
}
