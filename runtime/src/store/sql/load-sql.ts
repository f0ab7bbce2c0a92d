import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The folder holding one `.sql` statement per file, next to this module. */
const QUERIES_DIR = join(import.meta.dirname, "queries");

const cache = new Map<string, string>();

/**
 * The text of `queries/<name>.sql`, read from disk once and cached, so SQL lives in reviewable
 * files rather than template strings. Throws when the file is missing (a build defect).
 */
export function loadSql(name: string): string {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const text = readFileSync(join(QUERIES_DIR, `${name}.sql`), "utf8");
  cache.set(name, text);
  return text;
}
