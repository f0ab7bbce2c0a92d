export { createSkillTool } from "./skill-tool.ts";
export type { SkillDefSource, SkillToolOptions } from "./skill-tool.ts";
export { matchesSkillPattern, skillGranted } from "./skill-name.ts";
