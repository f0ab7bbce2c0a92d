import { join } from "node:path";
import { z } from "zod";
import { matchesToolPattern } from "../../registry.ts";
import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { isRefusal, parseInput, refuse, succeed } from "../fs/tool-input.ts";
import { formatSkill } from "./format-skill.ts";
import { listSkillNames } from "./list-skills.ts";
import { SKILL_FILE, readSkillFile } from "./skill-file.ts";
import type { SkillDefinition } from "./skill-file.ts";
import { resolveSkillDir, skillGranted, skillNameProblem, matchesSkillPattern } from "./skill-name.ts";
import { inlineSmallText, listSkillResources } from "./skill-resources.ts";
import type { SkillResource } from "./skill-resources.ts";

/** What the Skill tool is built from. */
export interface SkillToolOptions {
  /** Real path of the skills directory (`skills_dir:` / LOOMCYCLE_SKILLS_DIR); null = no skills. */
  skillsDir: string | null;
  /** The calling agent's `skills:` patterns (absent or empty = no skills). */
  skillPatterns: (agent: string, tenantId: string) => readonly string[] | undefined;
  /** The tenant's active SkillDef rows (absent = folders only); a row wins over a SKILL.md of the same name. */
  skillDefs?: SkillDefSource;
}

/** Skills stored as definitions (the SkillDef tool, POST /v1/_skilldef). */
export interface SkillDefSource {
  /** The tenant's active, non-retired skill of that name, or null. */
  active(tenantId: string, name: string): Promise<SkillDefinition | null>;
  /** The tenant's active, non-retired skills. */
  list(tenantId: string): Promise<SkillDefinition[]>;
}

const SkillInput = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("invoke"), name: z.string().min(1, "must name a skill") }),
  z.strictObject({ op: z.literal("list"), pattern: z.string().min(1).optional() }),
]);

/** Everything one call needs once the gate passed. */
interface SkillCall {
  /** The skills directory; null = stored skills only. */
  root: string | null;
  defs: SkillDefSource | undefined;
  patterns: readonly string[];
  context: ToolContext;
}

const INPUT_SCHEMA = {
  type: "object",
  properties: {
    op: { type: "string", enum: ["invoke", "list"], description: "invoke (default) loads a skill's instructions; list shows the skills you may use." },
    name: { type: "string", description: "invoke: the skill's name, e.g. `review/security`." },
    pattern: { type: "string", description: "list: only names matching this (exact, or `prefix*`)." },
  },
  additionalProperties: false,
} as const;

/** The problem of a SKILL.md as the model sees it: the file, relative to the skills directory, and what is wrong. */
function fileProblem(name: string, problem: string): string {
  return `${name}/${SKILL_FILE}: ${problem}`;
}

/** Tools a skill needs that the run lacks (an `allowed-tools` entry may be a `prefix*` pattern). */
function missingTools(skill: SkillDefinition, runTools: readonly string[]): string[] {
  return skill.allowedTools.filter((needed) => !runTools.some((tool) => matchesToolPattern(tool, needed)));
}

async function invoke(call: SkillCall, name: string): Promise<ToolResult> {
  const invalid = skillNameProblem(name);
  if (invalid !== null) return refuse(`Skill: invalid name ${JSON.stringify(name)}: ${invalid}`);
  if (!skillGranted(name, call.patterns)) {
    return refuse(`Skill: agent "${call.context.agent}" may not use skill ${JSON.stringify(name)}: its skills: patterns (${call.patterns.join(", ")}) do not match it`);
  }
  const stored = await call.defs?.active(call.context.tenantId, name);
  if (stored) return loaded(stored, { call, resources: [] });
  if (call.root === null) return refuse(`Skill: no skill named ${JSON.stringify(name)} (use op=list to see the skills you may use)`);
  const resolved = await resolveSkillDir(call.root, name);
  if ("problem" in resolved) return refuse(`Skill: ${resolved.problem}`);
  const skill = await readSkillFile(resolved.dir, name);
  if ("error" in skill) {
    if (skill.missing === true) return refuse(`Skill: no skill named ${JSON.stringify(name)} (its folder has no ${SKILL_FILE}; use op=list)`);
    return refuse(`Skill: ${fileProblem(name, skill.error)}`);
  }
  const resources = await listSkillResources(resolved.dir);
  await inlineSmallText(resolved.dir, resources);
  return loaded(skill, { call, resources });
}

/** The skill's instructions, unless the run lacks a tool it needs. */
function loaded(skill: SkillDefinition, options: { call: SkillCall; resources: SkillResource[] }): ToolResult {
  const missing = missingTools(skill, options.call.context.tools);
  if (missing.length > 0) {
    return refuse(`Skill: skill ${JSON.stringify(skill.name)} needs tools this run does not have: ${missing.join(", ")} (from its allowed-tools); run it from an agent whose tools include them`);
  }
  return succeed(formatSkill(skill, options.resources));
}

async function list(call: SkillCall, pattern: string | undefined): Promise<ToolResult> {
  const wanted = (name: string): boolean => skillGranted(name, call.patterns) && (pattern === undefined || matchesSkillPattern(name, pattern));
  const stored = ((await call.defs?.list(call.context.tenantId)) ?? []).filter((skill) => wanted(skill.name));
  const storedNames = new Set(stored.map((skill) => skill.name));
  const names = (call.root === null ? [] : await listSkillNames(call.root)).filter((name) => wanted(name) && !storedNames.has(name));
  const skills = stored.map((skill) => ({ name: skill.name, description: skill.description }));
  const problems: { file: string; problem: string }[] = [];
  for (const name of names) {
    const skill = await readSkillFile(join(call.root ?? "", ...name.split("/")), name);
    if ("error" in skill) problems.push({ file: `${name}/${SKILL_FILE}`, problem: skill.error });
    else skills.push({ name, description: skill.description });
  }
  return succeed(JSON.stringify(problems.length > 0 ? { skills, problems } : { skills }));
}

/**
 * Skill: loads a skill's instructions on demand (never into the system prompt). Default deny:
 * the operator names a skills directory, the agent's `skills:` patterns pick the skills it may
 * use, and a skill whose `allowed-tools` the run lacks is refused. Skills are read from disk per
 * call (SKILL.md parses are cached by mtime), so edits show up without a restart.
 */
export function createSkillTool(options: SkillToolOptions): Tool {
  return {
    name: "Skill",
    idempotent: true,
    description:
      "Load a skill: op=invoke {name} (default) returns its instructions and the text of its small resource files; " +
      "op=list {pattern} lists the skills you may use with their descriptions. Follow a skill's instructions once loaded.",
    inputSchema: INPUT_SCHEMA,
    async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
      const request = parseInput("Skill", SkillInput, { ...input, op: input["op"] ?? "invoke" });
      if (isRefusal(request)) return request;
      if (options.skillsDir === null && options.skillDefs === undefined) {
        return refuse("Skill: this runtime has no skills (the operator sets skills_dir in loomcycle.yaml or LOOMCYCLE_SKILLS_DIR)");
      }
      const patterns = options.skillPatterns(context.agent, context.tenantId) ?? [];
      if (patterns.length === 0) {
        return refuse(`Skill: agent "${context.agent}" may not use any skill: its definition has no skills: patterns (e.g. skills: ["review/*"])`);
      }
      const call = { root: options.skillsDir, defs: options.skillDefs, patterns, context };
      try {
        return await (request.op === "list" ? list(call, request.pattern) : invoke(call, request.name));
      } catch (error) {
        return refuse(`Skill: failed to read the skills directory: ${(error as Error).message}`);
      }
    },
  };
}
