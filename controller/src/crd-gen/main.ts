import { readdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { renderCrds } from "./render-crds.ts";

/**
 * `npm run gen:crds`: writes crds/*.yaml from the zod schemas. With `--check` it writes nothing
 * and exits 1 when a file differs, is missing or is stale (what the drift test asserts too).
 */
const CRDS_DIR = fileURLToPath(new URL("../../../crds/", import.meta.url));

/** The crds/ files that differ from what the generator renders now (missing, changed or stale). */
export async function driftedCrds(dir: string): Promise<string[]> {
  const rendered = renderCrds();
  const existing = (await readdir(dir)).filter((file) => file.endsWith(".yaml"));
  const drifted = existing.filter((file) => !rendered.has(file)).map((file) => `${file} (stale)`);
  for (const [file, text] of rendered) {
    const current = await readFile(path.join(dir, file), "utf8").catch(() => null);
    if (current !== text) drifted.push(current === null ? `${file} (missing)` : file);
  }
  return drifted;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--check")) {
    const drifted = await driftedCrds(CRDS_DIR);
    for (const file of drifted) console.error(`crds/${file} is out of date: run npm run gen:crds`);
    return drifted.length === 0 ? 0 : 1;
  }
  for (const [file, text] of renderCrds()) await writeFile(path.join(CRDS_DIR, file), text);
  console.log(`wrote ${renderCrds().size} CRDs to crds/`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
