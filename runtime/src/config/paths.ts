import { existsSync, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { ConfigIssue } from "./format-issues.ts";

/** The environment as loadConfig sees it (never process.env directly). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A path the loader settled on, and which flag or variable named it (null when discovered). */
export interface ResolvedPath {
  path: string | null;
  namedBy: string | null;
}

const CONFIG_FILE_NAME = "loomcycle.yaml";

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** The user's home directory: `HOME` from the given environment, else the OS's answer. */
export function homeOf(env: Env): string {
  return nonEmpty(env["HOME"]) ?? homedir();
}

/** Resolves a user-supplied path against `cwd`, expanding a leading `~/`. */
export function resolvePath(options: { path: string; cwd: string; env: Env }): string {
  const { path } = options;
  if (path === "~" || path.startsWith("~/")) return join(homeOf(options.env), path.slice(1));
  return resolve(options.cwd, path);
}

function xdgHome(options: { env: Env; variable: string; fallback: string[] }): string {
  const value = nonEmpty(options.env[options.variable]);
  return value !== undefined && isAbsolute(value) ? value : join(homeOf(options.env), ...options.fallback);
}

/** Where `loomcycle init` writes the config file: `$XDG_CONFIG_HOME/loomcycle/loomcycle.yaml` or `~/.config/loomcycle/loomcycle.yaml`. */
export function defaultConfigPath(env: Env): string {
  return join(xdgHome({ env, variable: "XDG_CONFIG_HOME", fallback: [".config"] }), "loomcycle", CONFIG_FILE_NAME);
}

/** The data dir when none is configured: `$XDG_DATA_HOME/loomcycle` or `~/.local/share/loomcycle`. */
export function defaultDataDir(env: Env): string {
  return join(xdgHome({ env, variable: "XDG_DATA_HOME", fallback: [".local", "share"] }), "loomcycle");
}

/** The files looked for, in order, when no config file is named. */
export function configFileCandidates(options: { env: Env; cwd: string }): string[] {
  const candidates = [join(options.cwd, CONFIG_FILE_NAME)];
  const xdg = nonEmpty(options.env["XDG_CONFIG_HOME"]);
  if (xdg !== undefined && isAbsolute(xdg)) candidates.push(join(xdg, "loomcycle", CONFIG_FILE_NAME));
  candidates.push(join(homeOf(options.env), ".config", "loomcycle", CONFIG_FILE_NAME));
  return candidates;
}

/** The flag's value if given, else the variable's, with the name of whichever supplied it. */
function pickNamed(options: { flag: string | undefined; flagName: string; env: Env; variable: string }): { value: string; by: string } | null {
  const flag = nonEmpty(options.flag);
  if (flag !== undefined) return { value: flag, by: options.flagName };
  const value = nonEmpty(options.env[options.variable]);
  return value === undefined ? null : { value, by: options.variable };
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Picks the config file: `--config`, else `LOOMCYCLE_CONFIG_FILE`, else the first candidate that exists. */
export function resolveConfigFile(options: { flag: string | undefined; env: Env; cwd: string; issues: ConfigIssue[] }): ResolvedPath {
  const { env, cwd } = options;
  const named = pickNamed({ flag: options.flag, flagName: "--config", env, variable: "LOOMCYCLE_CONFIG_FILE" });
  if (named !== null) {
    const path = resolvePath({ path: named.value, cwd, env });
    if (isFile(path)) return { path, namedBy: named.by };
    options.issues.push({ path: named.by, message: `config file not found: ${path}` });
    return { path: null, namedBy: named.by };
  }
  const found = configFileCandidates({ env, cwd }).find(isFile);
  return { path: found ?? null, namedBy: null };
}

/** Picks the agents dir: `--agents-dir`, else `LOOMCYCLE_AGENTS_ROOT`, else `agents/` beside the config file if it exists. */
export function resolveAgentsDir(options: {
  flag: string | undefined;
  env: Env;
  cwd: string;
  configFile: string | null;
  issues: ConfigIssue[];
}): ResolvedPath {
  const { env, cwd } = options;
  const named = pickNamed({ flag: options.flag, flagName: "--agents-dir", env, variable: "LOOMCYCLE_AGENTS_ROOT" });
  if (named !== null) {
    const path = resolvePath({ path: named.value, cwd, env });
    if (isDirectory(path)) return { path, namedBy: named.by };
    options.issues.push({ path: named.by, message: `agents directory not found: ${path}` });
    return { path: null, namedBy: named.by };
  }
  if (options.configFile === null) return { path: null, namedBy: null };
  const beside = join(dirname(options.configFile), "agents");
  return { path: isDirectory(beside) ? beside : null, namedBy: null };
}

/** The real path (symlinks resolved) of an existing directory, or null when it is missing or not a directory. */
export function realDirectory(path: string): string | null {
  try {
    const real = realpathSync(path);
    return statSync(real).isDirectory() ? real : null;
  } catch {
    return null;
  }
}
