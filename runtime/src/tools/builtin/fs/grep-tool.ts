import { open, stat } from "node:fs/promises";
import { relative } from "node:path";
import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { globMatches } from "./glob-matches.ts";
import { resolveInVolume } from "./resolve-in-volume.ts";
import { z } from "zod";
import { MAX_READ_BYTES, VOLUME_PARAMETER, isRefusal, parseInput, pathParameter, refuse, succeed } from "./tool-input.ts";
import { walkFiles } from "./walk-files.ts";

const GrepInput = z.object({
  pattern: z.string().min(1, "must not be empty"),
  path: z.string().min(1).default("."),
  glob: z.string().min(1).optional(),
  volume: z.string().min(1).optional(),
});

/** Most matching lines returned (loomcycle's head_limit default). */
const MAX_MATCHES = 100;
/** Files larger than this are not searched. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** A NUL in the first 8 KiB marks a binary file, which is skipped. */
const BINARY_PROBE_BYTES = 8 * 1024;
/** A matching line is cut to this many characters. */
const MAX_LINE_CHARS = 500;

/** Grep: a regular expression over the text files of a volume (or a folder or file in it); `file:line: text` lines. */
export const grepTool: Tool = {
  name: "Grep",
  idempotent: true,
  description: `Search files in a volume with a regular expression (JavaScript syntax). Returns "file:line: text" lines, at most ${MAX_MATCHES}; binary files are skipped.`,
  inputSchema: {
    type: "object",
    properties: {
      pattern: { type: "string", description: "Regular expression to search for." },
      path: pathParameter("File or folder to search (default: the volume root)"),
      glob: { type: "string", description: 'Only search files matching this glob, e.g. "**/*.ts" or "*.md".' },
      volume: VOLUME_PARAMETER,
    },
    required: ["pattern"],
    additionalProperties: false,
  },
  async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
    const request = parseInput("Grep", GrepInput, input);
    if (isRefusal(request)) return request;
    const regex = compile(request.pattern);
    if (typeof regex === "string") return refuse(`Grep: invalid pattern: ${regex}`);
    const target = await resolveInVolume(context.policy, request, { write: false, mustExist: true });
    if ("refused" in target) return refuse(`Grep: ${target.refused}`);
    const lines: string[] = [];
    const files = (await stat(target.absolute)).isFile() ? [{ absolute: target.absolute, relative: target.shown }] : walkFiles(target.absolute, context.signal);
    for await (const file of files) {
      if (request.glob !== undefined && !globMatches(request.glob, file.relative)) continue;
      const shown = relative(target.volume.root, file.absolute);
      if (await searchFile({ absolute: file.absolute, shown, regex, lines })) break;
    }
    return succeed(lines.length === 0 ? "no matches" : lines.join("\n"));
  },
};

/** The regular expression, or the reason it does not compile. */
function compile(pattern: string): RegExp | string {
  try {
    return new RegExp(pattern);
  } catch (error) {
    return (error as Error).message;
  }
}

/** Appends the file's matching lines; true when a cap is reached and the search should stop. */
async function searchFile(options: { absolute: string; shown: string; regex: RegExp; lines: string[] }): Promise<boolean> {
  const text = await readText(options.absolute);
  if (text === null) return false;
  const { lines } = options;
  const fileLines = text.split(/\r?\n/);
  for (const [index, line] of fileLines.entries()) {
    if (!options.regex.test(line)) continue;
    lines.push(`${options.shown}:${index + 1}: ${line.slice(0, MAX_LINE_CHARS)}`);
    if (lines.length >= MAX_MATCHES || lines.reduce((sum, entry) => sum + entry.length + 1, 0) > MAX_READ_BYTES) {
      lines.push(`[stopped after ${lines.length} matches; narrow the pattern, path or glob]`);
      return true;
    }
  }
  return false;
}

/** The file as text, or null when it is too large or binary. */
async function readText(absolute: string): Promise<string | null> {
  const handle = await open(absolute, "r").catch(() => null);
  if (handle === null) return null;
  try {
    const info = await handle.stat();
    if (info.size > MAX_FILE_BYTES) return null;
    const buffer = await handle.readFile();
    return buffer.subarray(0, BINARY_PROBE_BYTES).includes(0) ? null : buffer.toString("utf8");
  } finally {
    await handle.close();
  }
}
