import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { AgentSpec } from "../domain/index.ts";
import type { ConfigIssue } from "./format-issues.ts";
import { parseYaml } from "./parse-yaml.ts";
import type { Locate, Position } from "./parse-yaml.ts";
import { readText } from "./read-config-file.ts";
import { zodIssues } from "./zod-issues.ts";

/** An agent read from `<agents dir>/<name>.md`, with where it is defined. */
export interface MarkdownAgent {
  spec: AgentSpec;
  file: string;
  position: Position;
}

/** Frontmatter fields a markdown agent may set; the body is its system prompt. */
const FRONTMATTER_FIELDS = new Set(["name", "description", "provider", "model", "tier", "effort", "tools", "max_iterations", "max_tokens", "code", "mock_script", "compaction", "volumes", "allowed_hosts"]);

interface Sink {
  issues: ConfigIssue[];
  warnings: string[];
}

/** Reads every `*.md` directly in `dir` as an agent; problems go to `issues` with file and line. */
export function readAgentsDir(options: { dir: string } & Sink): MarkdownAgent[] {
  let names: string[];
  try {
    names = readdirSync(options.dir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".md"))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    options.issues.push({ file: options.dir, message: `cannot read the agents directory: ${(error as Error).message}` });
    return [];
  }
  const agents: MarkdownAgent[] = [];
  for (const name of names) {
    const agent = readAgentFile({ ...options, file: join(options.dir, name) });
    if (agent !== null) agents.push(agent);
  }
  return agents;
}

/** Splits `---\n<yaml>\n---\n<body>`; a file without frontmatter is all body. */
export function splitFrontmatter(text: string): { frontmatter: string; body: string } | { error: string } {
  const normalized = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  if (!/^---[ \t]*\n/.test(normalized)) return { frontmatter: "", body: normalized };
  const lines = normalized.split("\n");
  const close = lines.findIndex((line, index) => index > 0 && /^---[ \t]*$/.test(line));
  if (close < 0) return { error: "the frontmatter opened by `---` on line 1 is never closed by a `---` line" };
  return { frontmatter: lines.slice(1, close).join("\n"), body: lines.slice(close + 1).join("\n") };
}

/** The frontmatter of one agent file as a plain mapping, with the locator of its YAML. */
interface AgentSource {
  frontmatter: Record<string, unknown>;
  body: string;
  locate: Locate;
}

const FILE_START: Position = { line: 1, col: 1 };

function readAgentFile(options: { file: string } & Sink): MarkdownAgent | null {
  const { file, issues } = options;
  const name = basename(file, ".md");
  const source = readAgentSource({ ...options, name });
  if (source === null) return null;
  const declared = source.frontmatter["name"];
  if (declared !== undefined && declared !== name) {
    const message = `frontmatter name ${JSON.stringify(declared)} must equal the file name ${JSON.stringify(name)}`;
    issues.push({ file, ...source.locate(["name"]), path: `agents.${name}.name`, message });
    return null;
  }
  for (const field of Object.keys(source.frontmatter).filter((key) => !FRONTMATTER_FIELDS.has(key))) {
    const { line, col } = source.locate([field], { key: true });
    options.warnings.push(`${file}:${line}:${col}: agents.${name}.${field}: field is not supported yet and is ignored`);
  }
  const { frontmatter } = source;
  const input = { ...pickKnown(frontmatter), name, tools: toolList(frontmatter["tools"]), system_prompt: source.body.trim() };
  const result = AgentSpec.safeParse(input);
  if (!result.success) {
    issues.push(...zodIssues(result.error, { file, locate: source.locate, displayPrefix: ["agents", name] }));
    return null;
  }
  return { spec: result.data, file, position: FILE_START };
}

function readAgentSource(options: { file: string; name: string } & Sink): AgentSource | null {
  const { file, issues } = options;
  const text = readText({ file, issues });
  if (text === null) return null;
  const split = splitFrontmatter(text);
  if ("error" in split) {
    issues.push({ file, ...FILE_START, path: `agents.${options.name}`, message: split.error });
    return null;
  }
  const parsed = parseYaml({ text: split.frontmatter, file, lineOffset: 1 });
  issues.push(...parsed.issues);
  const fields = parsed.value ?? {};
  if (parsed.issues.length > 0) return null;
  if (typeof fields !== "object" || Array.isArray(fields)) {
    issues.push({ file, ...FILE_START, path: `agents.${options.name}`, message: "the frontmatter must be a mapping of fields" });
    return null;
  }
  return { frontmatter: fields as Record<string, unknown>, body: split.body, locate: parsed.locate };
}

function pickKnown(frontmatter: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(frontmatter).filter(([key]) => FRONTMATTER_FIELDS.has(key)));
}

/** Claude-Code style `tools: Read, Grep` or a YAML list; absent stays absent (the default applies). */
function toolList(tools: unknown): unknown {
  if (typeof tools !== "string") return tools;
  return tools
    .split(",")
    .map((tool) => tool.trim())
    .filter((tool) => tool !== "");
}
