import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toolContext as baseToolContext } from "./tool-context.ts";
import type { ToolContext, ToolPolicy, VolumeMount } from "../../src/tools/index.ts";

/**
 * A temp tree for file-tool tests: `rw/` and `ro/` volumes, an `outside/` folder beside them
 * holding `secret.txt`, and escape symlinks inside `rw/` (`link-out` → outside/, `file-out` →
 * outside/secret.txt, `dangling-out` → outside/missing.txt).
 */
export interface FsSandbox {
  base: string;
  rw: VolumeMount;
  ro: VolumeMount;
  outside: string;
  context(volumes?: readonly VolumeMount[]): ToolContext;
  dispose(): Promise<void>;
}

/** Builds the sandbox tree in a fresh temp folder. */
export async function createFsSandbox(): Promise<FsSandbox> {
  const base = await realpath(await mkdtemp(join(tmpdir(), "lc-fs-")));
  const rw = { name: "work", root: join(base, "rw"), readOnly: false };
  const ro = { name: "docs", root: join(base, "ro"), readOnly: true };
  const outside = join(base, "outside");
  for (const folder of [rw.root, ro.root, outside, join(rw.root, "src")]) await mkdir(folder, { recursive: true });
  await writeFile(join(outside, "secret.txt"), "top secret\n");
  await writeFile(join(rw.root, "hello.txt"), "line one\nline two\nline three\n");
  await writeFile(join(rw.root, "src", "main.ts"), "export const answer = 42;\n");
  await writeFile(join(ro.root, "readme.md"), "# docs\nread only\n");
  await symlink(outside, join(rw.root, "link-out"));
  await symlink(join(outside, "secret.txt"), join(rw.root, "file-out"));
  await symlink(join(outside, "missing.txt"), join(rw.root, "dangling-out"));
  return {
    base,
    rw,
    ro,
    outside,
    context: (volumes = [rw, ro]) => toolContext({ volumes, allowedHosts: [], privateHosts: [] }),
    dispose: () => rm(base, { recursive: true, force: true }),
  };
}

/** A ToolContext for a tool test with the given policy. */
export function toolContext(policy: ToolPolicy): ToolContext {
  return baseToolContext({ policy });
}
