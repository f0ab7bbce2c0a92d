import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

/** A parsed SKILL.md: its frontmatter and its body (the instructions). */
export interface SkillDefinition {
  name: string;
  description: string;
  /** Tools the skill needs the run to have (`allowed-tools`, or loomcycle's `tools`). */
  allowedTools: string[];
  instructions: string;
}

export const SKILL_FILE = "SKILL.md";

const ToolList = z.union([z.array(z.string().min(1)), z.string()]).transform((value) =>
  (typeof value === "string" ? value.split(",") : value).map((entry) => entry.trim()).filter((entry) => entry !== ""),
);

const Frontmatter = z
  .object({
    name: z.string().min(1, "must not be empty"),
    description: z.string().min(1, "must not be empty"),
    "allowed-tools": ToolList.optional(),
    tools: ToolList.optional(),
  })
  .loose();

/** Splits `---\n<yaml>\n---\n<body>`; the frontmatter is required (it carries name and description). */
function splitFrontmatter(text: string): { frontmatter: string; body: string } | { error: string } {
  const lines = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n").split("\n");
  if (!/^---[ \t]*$/.test(lines[0] ?? "")) return { error: "it must start with a `---` line opening YAML frontmatter (name, description)" };
  const close = lines.findIndex((line, index) => index > 0 && /^---[ \t]*$/.test(line));
  if (close < 0) return { error: "the frontmatter opened by `---` on line 1 is never closed by a `---` line" };
  return { frontmatter: lines.slice(1, close).join("\n"), body: lines.slice(close + 1).join("\n").trim() };
}

/** A value or the problem that prevented it (kept apart so a frontmatter key named `error` cannot pose as one). */
type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

function parseYamlMapping(text: string): Checked<Record<string, unknown>> {
  try {
    const value: unknown = parse(text);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
    return { ok: false, error: "the frontmatter is not a YAML mapping" };
  } catch (error) {
    return { ok: false, error: `the frontmatter is not valid YAML: ${(error as Error).message.split("\n")[0]}` };
  }
}

/** Validates the frontmatter mapping; `name` must be the skill's name or its last segment. */
function checkFrontmatter(mapping: Record<string, unknown>, name: string): Checked<z.infer<typeof Frontmatter>> {
  const parsed = Frontmatter.safeParse(mapping);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `frontmatter field ${issue?.path.join(".") || "?"}: ${issue?.message ?? "invalid"}` };
  }
  if (parsed.data.name !== name && parsed.data.name !== name.split("/").at(-1)) {
    return { ok: false, error: `frontmatter name ${JSON.stringify(parsed.data.name)} does not match the folder (expected ${JSON.stringify(name)})` };
  }
  return { ok: true, value: parsed.data };
}

/** Parses a SKILL.md of the skill addressed as `name`. Returns the definition, or the problem (the caller adds the file). */
export function parseSkillFile(text: string, name: string): SkillDefinition | { error: string } {
  const split = splitFrontmatter(text);
  if ("error" in split) return split;
  const mapping = parseYamlMapping(split.frontmatter);
  if (!mapping.ok) return { error: mapping.error };
  const checked = checkFrontmatter(mapping.value, name);
  if (!checked.ok) return { error: checked.error };
  const data = checked.value;
  return { name, description: data.description, allowedTools: [...(data["allowed-tools"] ?? []), ...(data.tools ?? [])], instructions: split.body };
}

interface CacheEntry {
  mtimeMs: number;
  size: number;
  parsed: SkillDefinition | { error: string };
}

/** Parsed SKILL.md files by path, re-read when the file's mtime or size changes (edits show up without a restart). */
const cache = new Map<string, CacheEntry>();

/** Reads and parses `<dir>/SKILL.md`; `error` names the problem when it is malformed or unreadable, `missing` when there is none. */
export async function readSkillFile(dir: string, name: string): Promise<SkillDefinition | { error: string; missing?: true }> {
  const file = join(dir, SKILL_FILE);
  try {
    const info = await stat(file);
    const cached = cache.get(file);
    if (cached !== undefined && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.parsed;
    const parsed = parseSkillFile(await readFile(file, "utf8"), name);
    cache.set(file, { mtimeMs: info.mtimeMs, size: info.size, parsed });
    return parsed;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { error: "there is no such file", missing: true };
    return { error: `cannot read it: ${code ?? (error as Error).message}` };
  }
}
