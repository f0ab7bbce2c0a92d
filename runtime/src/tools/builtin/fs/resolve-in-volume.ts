import { lstat, realpath } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { ToolPolicy, VolumeMount } from "../../tool.ts";

/** A path the policy allows: its volume, its absolute (real) location and how to show it to the model. */
export interface VolumePath {
  volume: VolumeMount;
  /** Absolute path inside the volume root; every existing component is a real path. */
  absolute: string;
  /** The path relative to the volume root, for messages ("." for the root). */
  shown: string;
  /** Whether something exists there. */
  exists: boolean;
}

/** A refusal the model can act on. */
export interface PathRefusal {
  refused: string;
}

/** What a tool asks of the path: write access, and whether it must already exist. */
export interface PathNeeds {
  write: boolean;
  mustExist: boolean;
}

/**
 * Resolves a tool's `path` (relative to a volume root; absolute only inside a granted root) and
 * optional `volume` against the run's policy. `..` escapes, symlinks leading out of the root
 * (existing or dangling) and writes to read-only volumes are refused. A path that does not exist
 * yet is checked through its nearest existing ancestor's real path.
 */
export async function resolveInVolume(policy: ToolPolicy, request: { path: string; volume?: string | undefined }, needs: PathNeeds): Promise<VolumePath | PathRefusal> {
  const volume = pickVolume(policy, request);
  if ("refused" in volume) return volume;
  const lexical = lexicalPath(volume, request.path);
  if (typeof lexical !== "string") return lexical;
  const located = await locate(volume, lexical);
  if ("refused" in located) return located;
  if (needs.mustExist && !located.exists) return { refused: `file not found: ${located.shown} (in volume "${volume.name}")` };
  if (needs.write && volume.readOnly) return { refused: `volume "${volume.name}" is read-only: writes are refused` };
  return located;
}

/** The absolute, normalized path the request names, refused when it leaves the volume on its face. */
function lexicalPath(volume: VolumeMount, path: string): string | PathRefusal {
  if (path.includes("\0")) return { refused: "path contains a NUL byte" };
  const lexical = isAbsolute(path) ? resolve(path) : resolve(volume.root, path);
  if (inside(volume.root, lexical)) return lexical;
  const hint = isAbsolute(path) ? "an absolute path must lie inside the volume root" : "`..` may not leave the volume root";
  return { refused: `path ${JSON.stringify(path)} is outside volume "${volume.name}" (${hint}); use a path relative to the volume root` };
}

/** The volume named by `volume`, else the one holding an absolute path, else the first granted. */
function pickVolume(policy: ToolPolicy, request: { path: string; volume?: string | undefined }): VolumeMount | PathRefusal {
  if (policy.volumes.length === 0) return { refused: "no volume is available to this run: file tools are disabled" };
  if (request.volume !== undefined) {
    const named = policy.volumes.find((volume) => volume.name === request.volume);
    return named ?? { refused: `volume ${JSON.stringify(request.volume)} is not available; available: ${policy.volumes.map((volume) => volume.name).join(", ")}` };
  }
  if (isAbsolute(request.path)) {
    const holder = policy.volumes.find((volume) => inside(volume.root, resolve(request.path)));
    if (holder !== undefined) return holder;
  }
  return policy.volumes[0] as VolumeMount;
}

/** Real-path containment: the path itself when it exists, else its nearest existing ancestor. */
async function locate(volume: VolumeMount, lexical: string): Promise<VolumePath | PathRefusal> {
  const escaped: PathRefusal = { refused: `path leads outside volume "${volume.name}" through a symlink` };
  if (await entryExists(lexical)) {
    const real = await realpath(lexical).catch(() => null);
    if (real === null) return { refused: `path ${JSON.stringify(shownPath(volume, lexical))} is a dangling symlink` };
    return inside(volume.root, real) ? { volume, absolute: real, shown: shownPath(volume, real), exists: true } : escaped;
  }
  let ancestor = lexical;
  const missing: string[] = [];
  while (!(await entryExists(ancestor))) {
    missing.unshift(ancestor.slice(ancestor.lastIndexOf(sep) + 1));
    ancestor = ancestor.slice(0, Math.max(ancestor.lastIndexOf(sep), 1));
  }
  const realAncestor = await realpath(ancestor).catch(() => null);
  if (realAncestor === null || !inside(volume.root, realAncestor)) return escaped;
  const absolute = join(realAncestor, ...missing);
  return { volume, absolute, shown: shownPath(volume, absolute), exists: false };
}

async function entryExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether `path` is `root` or lies below it (both absolute, normalized). */
export function inside(root: string, path: string): boolean {
  const prefix = root.endsWith(sep) ? root : root + sep;
  return path === root || path.startsWith(prefix);
}

/** The path relative to the volume root, as the model should use it. */
export function shownPath(volume: VolumeMount, absolute: string): string {
  return relative(volume.root, absolute) || ".";
}
