import { readFile, stat } from "node:fs/promises";
import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { resolveInVolume } from "./resolve-in-volume.ts";
import { z } from "zod";
import { MAX_WRITE_BYTES, PathFields, VOLUME_PARAMETER, isRefusal, parseInput, pathParameter, refuse, succeed } from "./tool-input.ts";
import { writeAtomically } from "./write-atomically.ts";

const EditInput = z
  .object({ ...PathFields, old_string: z.string().min(1, "must not be empty"), new_string: z.string(), replace_all: z.boolean().default(false) })
  .refine((value) => value.old_string !== value.new_string, { message: "old_string and new_string are the same: nothing to change", path: ["new_string"] });
type EditInput = z.infer<typeof EditInput>;

/**
 * Edit: replaces an exact string in a file on a read-write volume. The string must occur exactly
 * once unless `replace_all` is set; otherwise the error says how often it was found.
 */
export const editTool: Tool = {
  name: "Edit",
  // A replacement applied twice may change the file again (or fail to find its old text).
  idempotent: false,
  description: "Replace an exact string in a file on a read-write volume. old_string must be unique in the file unless replace_all is true.",
  inputSchema: {
    type: "object",
    properties: {
      path: pathParameter("File to edit"),
      old_string: { type: "string", description: "The exact text to replace (include enough context to make it unique)." },
      new_string: { type: "string", description: "The replacement text." },
      replace_all: { type: "boolean", description: "Replace every occurrence; default false." },
      volume: VOLUME_PARAMETER,
    },
    required: ["path", "old_string", "new_string"],
    additionalProperties: false,
  },
  async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
    const request = parseInput("Edit", EditInput, input);
    if (isRefusal(request)) return request;
    const target = await resolveInVolume(context.policy, request, { write: true, mustExist: true });
    if ("refused" in target) return refuse(`Edit: ${target.refused}`);
    const info = await stat(target.absolute);
    if (!info.isFile()) return refuse(`Edit: ${target.shown} is not a file`);
    if (info.size > MAX_WRITE_BYTES) return refuse(`Edit: ${target.shown} is ${info.size} bytes; files over ${MAX_WRITE_BYTES} bytes cannot be edited`);
    const edited = replaceIn(await readFile(target.absolute, "utf8"), request, target.shown);
    if (isRefusal(edited)) return edited;
    await writeAtomically(target.absolute, edited.text);
    return succeed(`replaced ${edited.count} occurrence${edited.count === 1 ? "" : "s"} in ${target.shown}`);
  },
};

/** The edited text and how many occurrences changed, or why the edit is refused. */
function replaceIn(text: string, request: EditInput, shown: string): { text: string; count: number } | ToolResult {
  const parts = text.split(request.old_string);
  const found = parts.length - 1;
  if (found === 0) return refuse(`Edit: old_string was not found in ${shown}`);
  if (found > 1 && !request.replace_all) {
    return refuse(`Edit: old_string occurs ${found} times in ${shown}; add surrounding context to make it unique, or set replace_all`);
  }
  const updated = request.replace_all ? parts.join(request.new_string) : text.replace(request.old_string, () => request.new_string);
  if (Buffer.byteLength(updated) > MAX_WRITE_BYTES) return refuse(`Edit: the result would exceed ${MAX_WRITE_BYTES} bytes`);
  return { text: updated, count: request.replace_all ? found : 1 };
}
