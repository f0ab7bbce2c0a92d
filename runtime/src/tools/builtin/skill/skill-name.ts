import { realpath } from "node:fs/promises";
import { join, sep } from "node:path";

/** One segment of a skill name: a folder name that cannot be `.`/`..` or hidden. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_NAME_CHARS = 256;

/**
 * Why `name` is not a valid skill name, or null. Names are folder paths under the skills
 * directory, `/`-grouped (`review/security`): no absolute paths, no `..`, no backslashes.
 */
export function skillNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > MAX_NAME_CHARS) return `a skill name is 1-${MAX_NAME_CHARS} characters`;
  if (name.startsWith("/") || name.includes("\\")) return "a skill name is relative to the skills directory (no leading / or backslashes)";
  const bad = name.split("/").find((segment) => !SEGMENT.test(segment));
  if (bad === undefined) return null;
  return `segment ${JSON.stringify(bad)} is not a folder name (letters, digits, . _ - starting with a letter or digit; no . or ..)`;
}

/** Whether `name` matches one `skills:` entry: exact, `prefix*`, or `*`. */
export function matchesSkillPattern(name: string, pattern: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Whether any of the agent's `skills:` patterns grants `name` (absent or empty grants none). */
export function skillGranted(name: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesSkillPattern(name, pattern));
}

/** Whether `path` is `root` or inside it (both real paths). */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The real path of `<root>/<name>`, or why it cannot be used: missing, or a symlink that
 * resolves outside the skills directory. `name` must have passed skillNameProblem.
 */
export async function resolveSkillDir(root: string, name: string): Promise<{ dir: string } | { problem: string }> {
  let dir: string;
  try {
    dir = await realpath(join(root, ...name.split("/")));
  } catch {
    return { problem: `no skill named ${JSON.stringify(name)} (use op=list to see the skills you may use)` };
  }
  if (!isInside(root, dir) || dir === root) return { problem: `skill ${JSON.stringify(name)} resolves outside the skills directory and is refused` };
  return { dir };
}
