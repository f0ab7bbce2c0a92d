import { NAME_IMMUTABLE } from "./kind-info.ts";
import type { KindInfo } from "./kind-info.ts";

/** A2AAgent: a remote A2A peer whose skills agents can call. */
export const A2A_AGENT: KindInfo = {
  kind: "A2AAgent",
  plural: "a2aagents",
  singular: "a2aagent",
  definitionKind: "a2aagent",
  description: "A remote A2A agent (peer) loomcycle agents can call. The spec is the runtime's a2aagent definition.",
  rules: [
    NAME_IMMUTABLE,
    {
      rule: "!has(self.auth) || self.auth.scheme != 'bearer' || has(self.auth.bearer_credential_ref)",
      message: "auth scheme bearer needs auth.bearer_credential_ref",
      fieldPath: ".auth",
      reason: "FieldValueRequired",
    },
  ],
};

/** A2AServerCard: the agent card loomcycle publishes for the agents it exposes over A2A. */
export const A2A_SERVER_CARD: KindInfo = {
  kind: "A2AServerCard",
  plural: "a2aservercards",
  singular: "a2aservercard",
  definitionKind: "a2aservercard",
  description: "The A2A agent card loomcycle publishes: which agents it exposes, as which skills. The spec is the runtime's a2aservercard definition.",
  rules: [NAME_IMMUTABLE],
};
