import type { SkillDefinition } from "./skill-file.ts";
import type { SkillResource } from "./skill-resources.ts";
import { INLINE_BUDGET_BYTES } from "./skill-resources.ts";

function resourceLine(resource: SkillResource): string {
  const note = resource.text === undefined ? `not inlined: binary or over the ${INLINE_BUDGET_BYTES / 1024} KiB budget` : "inlined below";
  return `- ${resource.path} (${resource.bytes} bytes, ${note})`;
}

/** What `Skill op=invoke` returns: the instructions, the resource list, then the inlined texts. */
export function formatSkill(skill: SkillDefinition, resources: readonly SkillResource[]): string {
  const parts = [`# Skill ${skill.name}`, `Description: ${skill.description}`, "", "## Instructions", skill.instructions || "(no instructions)"];
  if (resources.length > 0) {
    parts.push("", "## Resources (paths relative to the skill folder)", ...resources.map(resourceLine));
    for (const resource of resources) if (resource.text !== undefined) parts.push("", `### ${resource.path}`, resource.text);
  }
  return parts.join("\n");
}
