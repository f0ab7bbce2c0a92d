import { AppError, resolveCompaction } from "../domain/index.ts";
import type { Agent, Run } from "../domain/index.ts";
import type { LoopCompaction, RequestTransform } from "../loop/index.ts";
import type { ChatModel } from "../providers/index.ts";
import { ModelRouter } from "./model-router.ts";
import { chainTransforms, createRedactor } from "./redact-request.ts";
import type { ServiceDeps } from "./types.ts";

/**
 * What a run is set up with besides its transcript: its model route (user tier policy), its
 * compaction policy and summarizer, and the context-transform plugin chain. Shared by the
 * executor and the manual compaction of a finished run.
 */

/** The run's model route from its agent and user tier. */
export function routeFor(deps: ServiceDeps, run: Run, agent: Agent): ModelRouter {
  const userTier = run.options.user_tier ?? "default";
  const policy = deps.routing.userTiers[userTier] ?? deps.routing.userTiers["default"];
  if (policy === undefined) throw new AppError("INVALID_ARGUMENT", `unknown user tier "${userTier}"`);
  return new ModelRouter({ agent, userTier, policy, aliases: deps.aliases, registry: deps.providers, health: deps.health });
}

/** The run's compaction policy (run fields over agent fields) and the policy's summarizer, when it names one. */
export function compactionFor(deps: ServiceDeps, run: Run, agent: Agent): LoopCompaction {
  const policy = resolveCompaction(agent.compaction, run.options.compaction);
  if (policy.model === undefined) return { policy };
  return { policy, summarizer: summarizerModel(deps, policy.model) };
}

/** "provider/model" or a `models:` alias → a ChatModel. */
function summarizerModel(deps: ServiceDeps, name: string): ChatModel {
  const alias = deps.aliases[name];
  const slash = name.indexOf("/");
  const ref = alias ?? (slash > 0 ? { provider: name.slice(0, slash), model: name.slice(slash + 1) } : null);
  if (ref === null || !deps.providers.has(ref.provider, ref.model)) {
    throw new AppError("INVALID_ARGUMENT", `compaction.model: "${name}" is neither "provider/model" this runtime serves nor a models: alias`, {
      details: { field: "compaction.model" },
    });
  }
  return deps.providers.resolve(ref.provider, ref.model);
}

/** The context-transform plugin chain (redaction…), or undefined when none is configured. */
export function requestTransformFor(deps: ServiceDeps): RequestTransform | undefined {
  const redact = deps.contextPlugins?.redact;
  return chainTransforms(redact === undefined ? [] : [createRedactor(redact)]);
}
