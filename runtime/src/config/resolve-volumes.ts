import { dirname } from "node:path";
import type { ConfigIssue } from "./format-issues.ts";
import { realDirectory, resolvePath } from "./paths.ts";
import type { Env } from "./paths.ts";
import type { ConfigFileResult } from "./read-config-file.ts";
import type { Agent } from "../domain/index.ts";
import type { VolumeConfig } from "./schema.ts";

/** Volume names: what agents write under `volumes:` (loomcycle's VolumeDef charset). */
const VOLUME_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Resolves `volumes:` to absolute REAL paths (symlinks resolved), relative paths from the config
 * file's directory. A volume whose directory does not exist, or a bad name, is a config issue:
 * a tool must never find its root missing or moved by a symlink after start-up checks.
 */
export function resolveVolumes(options: { configFile: ConfigFileResult | null; env: Env; issues: ConfigIssue[] }): VolumeConfig[] {
  const resolved: VolumeConfig[] = [];
  const configFile = options.configFile;
  if (configFile === null) return resolved;
  for (const [name, volume] of Object.entries(configFile.data?.volumes ?? {})) {
    const where = `volumes.${name}`;
    if (!VOLUME_NAME.test(name)) {
      options.issues.push({ path: where, message: "a volume name is 1-64 of a-z 0-9 _ - (starting with a letter or digit)" });
      continue;
    }
    const root = realDirectory(resolvePath({ path: volume.path, cwd: dirname(configFile.file), env: options.env }));
    if (root === null) {
      options.issues.push({ path: `${where}.path`, message: `expected an existing directory, got ${JSON.stringify(volume.path)}` });
      continue;
    }
    resolved.push({ name, root, readOnly: volume.read_only });
  }
  return resolved;
}

/** Start-up warnings for agents naming volumes the operator did not configure (those names grant nothing). */
export function unknownVolumeWarnings(agents: readonly Agent[], volumes: readonly VolumeConfig[]): string[] {
  const known = new Set(volumes.map((volume) => volume.name));
  return agents.flatMap((agent) =>
    (agent.volumes ?? []).filter((name) => !known.has(name)).map((name) => `agent "${agent.name}" names volume "${name}", which is not configured under volumes: (ignored)`),
  );
}
