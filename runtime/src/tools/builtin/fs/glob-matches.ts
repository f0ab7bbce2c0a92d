import { matchesGlob } from "node:path";

/** A glob without a slash matches a file name in any folder (as in ripgrep). */
export function globMatches(glob: string, relativePath: string): boolean {
  if (matchesGlob(relativePath, glob)) return true;
  return !glob.includes("/") && matchesGlob(relativePath.slice(relativePath.lastIndexOf("/") + 1), glob);
}
