export { createSkillDefTool } from "./skilldef-tool.ts";
