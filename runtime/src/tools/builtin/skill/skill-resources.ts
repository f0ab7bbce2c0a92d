import { constants } from "node:fs";
import { lstat, readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { SKILL_FILE } from "./skill-file.ts";

/** The text of small text resources is inlined up to this total (the rest are listed only). */
export const INLINE_BUDGET_BYTES = 64 * 1024;
/** Resources listed per skill, and how deep the folder is walked. */
const MAX_RESOURCES = 200;
const MAX_DEPTH = 6;

/** A file in a skill's folder other than SKILL.md. */
export interface SkillResource {
  /** Path relative to the skill folder, `/`-separated. */
  path: string;
  bytes: number;
  /** The file's text when it is UTF-8 text and fits the inline budget. */
  text?: string;
}

/**
 * Files of a skill folder, sorted by path: SKILL.md itself, nested skills (sub-folders with their
 * own SKILL.md) and symlinks (which could point outside the skills directory) are left out.
 */
export async function listSkillResources(dir: string): Promise<SkillResource[]> {
  const found: SkillResource[] = [];
  await walk({ root: dir, dir, depth: 0, found });
  found.sort((a, b) => a.path.localeCompare(b.path));
  return found;
}

async function walk(options: { root: string; dir: string; depth: number; found: SkillResource[] }): Promise<void> {
  const { root, dir, found } = options;
  const entries = await readdir(dir, { withFileTypes: true });
  if (options.depth > 0 && entries.some((entry) => entry.name === SKILL_FILE)) return;
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (found.length >= MAX_RESOURCES) return;
    const path = join(dir, entry.name);
    if (entry.isDirectory() && options.depth < MAX_DEPTH) await walk({ root, dir: path, depth: options.depth + 1, found });
    if (!entry.isFile() || (options.depth === 0 && entry.name === SKILL_FILE)) continue;
    found.push({ path: relative(root, path).split("\\").join("/"), bytes: (await lstat(path)).size });
  }
}

/** Decodes UTF-8 text without NUL bytes; null for anything that looks binary. */
function asText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Fills in `text` of the smallest text resources first, while the total stays within the budget. */
export async function inlineSmallText(dir: string, resources: SkillResource[]): Promise<void> {
  let budget = INLINE_BUDGET_BYTES;
  for (const resource of [...resources].sort((a, b) => a.bytes - b.bytes)) {
    if (resource.bytes > budget) break;
    const text = asText(await readFile(join(dir, resource.path), { flag: constants.O_RDONLY | constants.O_NOFOLLOW }));
    if (text === null) continue;
    resource.text = text;
    budget -= resource.bytes;
  }
}
