import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";

/** The most entries a search visits, so one call cannot crawl a huge tree forever. */
export const MAX_VISITED = 20_000;

/**
 * Files under `base`, depth first, as paths relative to `base`. Symlinks are never followed
 * (neither files nor folders), so a search cannot leave its volume; unreadable folders are skipped.
 */
export async function* walkFiles(base: string, signal: AbortSignal): AsyncGenerator<{ absolute: string; relative: string }> {
  const pending = [base];
  let visited = 0;
  while (pending.length > 0 && visited < MAX_VISITED && !signal.aborted) {
    const folder = pending.pop() as string;
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? 1 : -1));
    for (const entry of entries) {
      visited += 1;
      const absolute = join(folder, entry.name);
      if (entry.isDirectory()) pending.push(absolute);
      else if (entry.isFile()) yield { absolute, relative: relative(base, absolute) };
    }
  }
}
