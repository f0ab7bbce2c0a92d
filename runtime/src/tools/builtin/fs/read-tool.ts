import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { resolveInVolume } from "./resolve-in-volume.ts";
import { z } from "zod";
import { MAX_READ_BYTES, PathFields, VOLUME_PARAMETER, isRefusal, parseInput, pathParameter, refuse, succeed } from "./tool-input.ts";

const ReadInput = z.object({ ...PathFields, offset: z.number().int().min(1).optional(), limit: z.number().int().min(1).optional() });

/**
 * Read: a text file from a granted volume, optionally a window of lines (`offset` 1-based,
 * `limit` lines). At most 256 KiB per call; a longer read ends with a note saying where to go on.
 */
export const readTool: Tool = {
  name: "Read",
  idempotent: true,
  description: "Read a text file from a volume. Use offset (first line, 1-based) and limit (number of lines) for large files; output is capped at 256 KiB.",
  inputSchema: {
    type: "object",
    properties: {
      path: pathParameter("File to read"),
      offset: { type: "integer", minimum: 1, description: "First line to return (1-based); default 1." },
      limit: { type: "integer", minimum: 1, description: "Most lines to return; default all that fit." },
      volume: VOLUME_PARAMETER,
    },
    required: ["path"],
    additionalProperties: false,
  },
  async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
    const request = parseInput("Read", ReadInput, input);
    if (isRefusal(request)) return request;
    const target = await resolveInVolume(context.policy, request, { write: false, mustExist: true });
    if ("refused" in target) return refuse(`Read: ${target.refused}`);
    if (!(await stat(target.absolute)).isFile()) return refuse(`Read: ${target.shown} is not a file (use Glob to list a directory)`);
    return readWindow(target.absolute, { first: request.offset ?? 1, limit: request.limit ?? Number.POSITIVE_INFINITY });
  },
};

/** Streams the file's lines from `first`, stopping at `limit` lines or the byte cap. */
async function readWindow(absolute: string, window: { first: number; limit: number }): Promise<ToolResult> {
  const lines = createInterface({ input: createReadStream(absolute, { encoding: "utf8" }), crlfDelay: Number.POSITIVE_INFINITY });
  const kept: string[] = [];
  let bytes = 0;
  let number = 0;
  let truncatedAt: number | null = null;
  for await (const line of lines) {
    number += 1;
    if (number < window.first) continue;
    if (kept.length >= window.limit) break;
    bytes += Buffer.byteLength(line) + 1;
    if (bytes > MAX_READ_BYTES) {
      truncatedAt = number;
      break;
    }
    kept.push(line);
  }
  lines.close();
  const text = kept.join("\n");
  if (truncatedAt === null) return succeed(text);
  return succeed(`${text}\n[truncated: output is capped at ${MAX_READ_BYTES} bytes; continue with offset=${truncatedAt}]`);
}
