import { stat } from "node:fs/promises";
import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { resolveInVolume } from "./resolve-in-volume.ts";
import { z } from "zod";
import { MAX_WRITE_BYTES, PathFields, VOLUME_PARAMETER, isRefusal, parseInput, pathParameter, refuse, succeed } from "./tool-input.ts";
import { writeAtomically } from "./write-atomically.ts";

const WriteInput = z.object({ ...PathFields, content: z.string() });

/** Write: creates or replaces a file on a read-write volume (at most 1 MiB; missing parent folders are created). */
export const writeTool: Tool = {
  name: "Write",
  // The whole content replaces the file atomically: writing it again leaves the same file.
  idempotent: true,
  description: "Create or overwrite a text file on a read-write volume (max 1 MiB). Missing parent folders are created.",
  inputSchema: {
    type: "object",
    properties: { path: pathParameter("File to write"), content: { type: "string", description: "The whole new content of the file." }, volume: VOLUME_PARAMETER },
    required: ["path", "content"],
    additionalProperties: false,
  },
  async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
    const request = parseInput("Write", WriteInput, input);
    if (isRefusal(request)) return request;
    const { content } = request;
    const bytes = Buffer.byteLength(content);
    if (bytes > MAX_WRITE_BYTES) return refuse(`Write: content is ${bytes} bytes; the limit is ${MAX_WRITE_BYTES} bytes`);
    const target = await resolveInVolume(context.policy, request, { write: true, mustExist: false });
    if ("refused" in target) return refuse(`Write: ${target.refused}`);
    if (target.exists && !(await stat(target.absolute)).isFile()) return refuse(`Write: ${target.shown} exists and is not a file`);
    await writeAtomically(target.absolute, content);
    return succeed(`wrote ${bytes} bytes to ${target.shown}`);
  },
};
