import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ConfigIssue } from "./format-issues.ts";
import { defaultConfigPath, resolveConfigFile } from "./paths.ts";
import type { Env } from "./paths.ts";

/** The file `loomcycle init --with-token` writes beside loomcycle.yaml (mode 0600). */
export const AUTH_ENV_FILE = "auth.env";

/** Only these variables are taken from auth.env: it is for secrets, not a second config file. */
const AUTH_ENV_KEYS = new Set(["LOOMCYCLE_AUTH_TOKEN", "LOOMCYCLE_OPERATOR_TOKEN_PEPPER", "LOOMCYCLE_SECRET_KEY"]);

/** Where auth.env is: beside the config file serve would read, else in the default config dir. */
export function authEnvPath(options: { env: Env; cwd: string; configFlag: string | undefined }): string {
  const issues: ConfigIssue[] = [];
  const configFile = resolveConfigFile({ flag: options.configFlag, env: options.env, cwd: options.cwd, issues }).path;
  return join(dirname(configFile ?? defaultConfigPath(options.env)), AUTH_ENV_FILE);
}

/** The text of an auth.env holding `token`. */
export function formatAuthEnv(token: string): string {
  return `# Written by loomcycle init --with-token. Keep it private (mode 0600): this token is an admin credential.\nLOOMCYCLE_AUTH_TOKEN=${token}\n`;
}

/** Parses `KEY=value` lines (`#` comments, optional `export `, optional quotes), keeping the auth variables only. */
export function parseAuthEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match === null || !AUTH_ENV_KEYS.has(match[1] as string)) continue;
    values[match[1] as string] = (match[2] as string).replace(/^(["'])(.*)\1$/, "$2");
  }
  return values;
}

/** What loading auth.env found: the merged environment, the file (null when absent), and whether others may read it. */
export interface AuthEnvLoad {
  env: Env;
  file: string | null;
  /** True when the file's mode lets group or others read it (doctor warns). */
  exposed: boolean;
  /** The variables the file supplied (the environment left them unset). */
  fromFile: string[];
}

/**
 * The environment with auth.env's variables filled in where the environment leaves them unset or
 * empty: the real environment always wins over the file.
 */
export function withAuthEnv(options: { env: Env; cwd: string; configFlag: string | undefined }): AuthEnvLoad {
  const path = authEnvPath(options);
  if (!existsSync(path)) return { env: options.env, file: null, exposed: false, fromFile: [] };
  const merged: Record<string, string | undefined> = { ...options.env };
  const fromFile: string[] = [];
  for (const [key, value] of Object.entries(parseAuthEnv(readFileSync(path, "utf8")))) {
    if ((merged[key] ?? "").trim() !== "") continue;
    merged[key] = value;
    fromFile.push(key);
  }
  return { env: merged, file: path, exposed: (statSync(path).mode & 0o077) !== 0, fromFile };
}

/** Whether a listen host is loopback (127.0.0.0/8, ::1, localhost): the only address open mode may serve on. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
