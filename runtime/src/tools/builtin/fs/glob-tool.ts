import { stat } from "node:fs/promises";
import { relative } from "node:path";
import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { globMatches } from "./glob-matches.ts";
import { resolveInVolume } from "./resolve-in-volume.ts";
import { z } from "zod";
import { VOLUME_PARAMETER, isRefusal, parseInput, pathParameter, refuse, succeed } from "./tool-input.ts";
import { walkFiles } from "./walk-files.ts";

const GlobInput = z.object({ pattern: z.string().min(1, "must not be empty"), path: z.string().min(1).default("."), volume: z.string().min(1).optional() });

/** Most paths returned. */
const MAX_RESULTS = 100;

/** Glob: files of a volume matching a glob (`*`, `?`, `[..]`, `**`), newest first, at most 100. */
export const globTool: Tool = {
  name: "Glob",
  idempotent: true,
  description: `List files in a volume matching a glob pattern such as "**/*.ts" (newest first, at most ${MAX_RESULTS}). Paths are relative to the volume root.`,
  inputSchema: {
    type: "object",
    properties: {
      pattern: { type: "string", description: 'Glob pattern: *, ?, [..] and ** (e.g. "src/**/*.ts").' },
      path: pathParameter("Folder to search from (default: the volume root)"),
      volume: VOLUME_PARAMETER,
    },
    required: ["pattern"],
    additionalProperties: false,
  },
  async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
    const request = parseInput("Glob", GlobInput, input);
    if (isRefusal(request)) return request;
    const target = await resolveInVolume(context.policy, request, { write: false, mustExist: true });
    if ("refused" in target) return refuse(`Glob: ${target.refused}`);
    if (!(await stat(target.absolute)).isDirectory()) return refuse(`Glob: ${target.shown} is not a folder`);
    const found = await matchingFiles({ base: target.absolute, root: target.volume.root, pattern: request.pattern, signal: context.signal });
    if (found.length === 0) return succeed("no files match");
    found.sort((a, b) => b.mtimeMs - a.mtimeMs || a.shown.localeCompare(b.shown));
    const shown = found.slice(0, MAX_RESULTS).map((file) => file.shown);
    const more = found.length > MAX_RESULTS ? `\n[${found.length - MAX_RESULTS} more; narrow the pattern]` : "";
    return succeed(shown.join("\n") + more);
  },
};

/** The files under `base` matching `pattern`, shown relative to the volume root, with their mtimes. */
async function matchingFiles(options: { base: string; root: string; pattern: string; signal: AbortSignal }): Promise<{ shown: string; mtimeMs: number }[]> {
  const found: { shown: string; mtimeMs: number }[] = [];
  for await (const file of walkFiles(options.base, options.signal)) {
    if (!globMatches(options.pattern, file.relative)) continue;
    const info = await stat(file.absolute).catch(() => null);
    found.push({ shown: relative(options.root, file.absolute), mtimeMs: info?.mtimeMs ?? 0 });
  }
  return found;
}
