import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { SKILL_FILE } from "./skill-file.ts";
import { skillNameProblem } from "./skill-name.ts";

/** How deep `/`-grouped skill names go. */
const MAX_GROUP_DEPTH = 6;

/**
 * Names of every skill under `root` (folders holding a SKILL.md), sorted. Symlinks are not
 * followed while listing, and folders whose names could not be invoked are skipped.
 */
export async function listSkillNames(root: string): Promise<string[]> {
  const names: string[] = [];
  await walk({ root, prefix: "", depth: 0, names });
  return names.sort();
}

async function walk(options: { root: string; prefix: string; depth: number; names: string[] }): Promise<void> {
  const dir = options.prefix === "" ? options.root : join(options.root, ...options.prefix.split("/"));
  const entries = await readdir(dir, { withFileTypes: true });
  if (options.prefix !== "" && entries.some((entry) => entry.isFile() && entry.name === SKILL_FILE)) options.names.push(options.prefix);
  if (options.depth >= MAX_GROUP_DEPTH) return;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const name = options.prefix === "" ? entry.name : `${options.prefix}/${entry.name}`;
    if (skillNameProblem(name) === null) await walk({ ...options, prefix: name, depth: options.depth + 1 });
  }
}
