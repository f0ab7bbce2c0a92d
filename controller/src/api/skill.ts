import { NAME_IMMUTABLE } from "./kind-info.ts";
import type { KindInfo } from "./kind-info.ts";

/** Skill: instructions an agent's Skill tool loads, with the tools they need. */
export const SKILL: KindInfo = {
  kind: "Skill",
  plural: "skills",
  singular: "skill",
  definitionKind: "skill",
  description: "A loomcycle skill: instructions the Skill tool returns. The spec is the runtime's skill definition.",
  rules: [NAME_IMMUTABLE],
};
