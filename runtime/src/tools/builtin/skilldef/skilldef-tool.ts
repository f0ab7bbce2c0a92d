import type { Tool } from "../../tool.ts";
import { createDefinitionTool } from "../agentdef/index.ts";
import type { DefinitionPort } from "../agentdef/index.ts";

/**
 * SkillDef: author and evolve skills stored as versioned definitions. An active SkillDef is what
 * the Skill tool serves under that name (it wins over a SKILL.md). Gated by the agent's `skills:`
 * patterns.
 */
export function createSkillDefTool(port: DefinitionPort): Tool {
  return createDefinitionTool(
    {
      name: "SkillDef",
      kind: "skill",
      description:
        "Author and evolve skills in this tenant. op=create {name, overlay: {description, body, tools}} makes version 1 (active); op=fork {name, overlay} " +
        "makes a new version (promote:true to activate it); op=promote {def_id}, op=retire {def_id}, op=get {def_id}, op=list {name}, op=verify {name, content_sha256}. " +
        "Allowed names are those your skills: patterns match.",
      overlay: "Skill fields: description, body (the instructions Skill op=invoke returns), tools (tools the skill needs).",
    },
    port,
  );
}
