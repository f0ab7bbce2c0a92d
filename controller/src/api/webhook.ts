import { NAME_IMMUTABLE } from "./kind-info.ts";
import type { KindInfo } from "./kind-info.ts";

/** Webhook: an inbound endpoint that spawns a run or publishes to a channel (the runtime's WebhookDef refine, in CEL). */
export const WEBHOOK: KindInfo = {
  kind: "Webhook",
  plural: "webhooks",
  singular: "webhook",
  definitionKind: "webhook",
  description: "An inbound loomcycle webhook: spawns an agent run or publishes to a channel. The spec is the runtime's webhook definition.",
  rules: [
    NAME_IMMUTABLE,
    {
      rule: "self.delivery != 'spawn' || has(self.agent)",
      message: "delivery spawn needs agent",
      fieldPath: ".agent",
      reason: "FieldValueRequired",
    },
    {
      rule: "self.delivery != 'channel' || has(self.channel)",
      message: "delivery channel needs channel",
      fieldPath: ".channel",
      reason: "FieldValueRequired",
    },
  ],
};
