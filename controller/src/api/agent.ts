import { NAME_IMMUTABLE } from "./kind-info.ts";
import type { KindInfo } from "./kind-info.ts";

/**
 * Agent: a loomcycle agent definition. The model rules mirror the runtime's check of configured
 * agents (runtime/src/config/merge-agents.ts `modelChoiceProblem`): pin provider + model or pick
 * a tier, never both, never half a pin, never neither; a code-js agent carries its code.
 */
export const AGENT: KindInfo = {
  kind: "Agent",
  plural: "agents",
  singular: "agent",
  definitionKind: "agent",
  description: "A loomcycle agent: model choice, tools, system prompt. The spec is the runtime's agent definition.",
  rules: [
    NAME_IMMUTABLE,
    {
      rule: "!(has(self.tier) && (has(self.provider) || has(self.model)))",
      message: "set either provider and model, or tier, not both",
      fieldPath: ".tier",
      reason: "FieldValueForbidden",
    },
    {
      rule: "has(self.tier) || (has(self.provider) && has(self.model))",
      message: "set both provider and model (no half pin), or tier",
      fieldPath: ".model",
      reason: "FieldValueRequired",
    },
    {
      rule: "!has(self.provider) || self.provider != 'code-js' || has(self.code)",
      message: "a code-js agent needs code (a top-level function run(input))",
      fieldPath: ".code",
      reason: "FieldValueRequired",
    },
  ],
};
