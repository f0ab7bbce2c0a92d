import { AppError } from "../domain/index.ts";
import type { Agent, Message } from "../domain/index.ts";
import type { ModelRef, UserTierPolicy } from "../config/index.ts";
import type { FallbackStep, ModelRoute } from "../loop/index.ts";
import type { ChatModel, ProviderRegistry } from "../providers/index.ts";
import type { ProviderHealth } from "./provider-health.ts";

/** Same-provider backoff before retry n when the provider gives no Retry-After (loomcycle's schedule). */
const BACKOFF_MS = [100, 300, 900, 2_700, 8_100];
/** The longest Retry-After the loop will honour before it prefers to fall back. */
const MAX_RETRY_AFTER_MS = 60_000;

/** Thinking-class models that need their own reasoning on every turn, and their non-thinking siblings. */
function nonThinkingSibling(model: string): string | null {
  if (model === "deepseek-reasoner") return "deepseek-chat";
  if (model.endsWith("-pro")) return `${model.slice(0, -"-pro".length)}-flash`;
  return null;
}

/** Why the run moved on: the failure (status, or a reason such as a full provider gate), and the candidates skipped for lack of vision. */
function fallbackReason(error: AppError, provider: string, skipped: readonly string[]): string {
  const cause = error.details["status"] ?? error.details["reason"] ?? "error";
  const skip = skipped.length > 0 ? `; skipped ${skipped.join(", ")} (no vision, the run has images)` : "";
  return `${String(cause)} from ${provider}${skip}`;
}

/** What a ModelRouter is built from: the agent, the user tier's policy, the registry and provider health. */
export interface RouterOptions {
  agent: Agent;
  userTier: string;
  policy: UserTierPolicy;
  aliases: Readonly<Record<string, ModelRef>>;
  registry: ProviderRegistry;
  health: ProviderHealth;
  /** The run's history holds images: only vision-capable candidates may take it over. */
  needsVision?: boolean;
}

/** Whether the model behind a candidate accepts images (a model without capabilities does not). */
export function supportsVision(registry: ProviderRegistry, ref: ModelRef): boolean {
  return registry.resolve(ref.provider, ref.model).capabilities?.vision === true;
}

/**
 * The candidates an agent may run on, best first: its pin (aliases resolved), or its tier's
 * candidates ordered by the user tier's provider priority, keeping only providers this process
 * has. Healthy providers come first; a marked one stays as a last resort.
 */
export function resolveCandidates(options: RouterOptions): ModelRef[] {
  const { agent, policy } = options;
  let candidates: readonly ModelRef[];
  if (agent.tier === undefined) {
    const model = agent.model ?? "";
    candidates = [options.aliases[model] ?? { provider: agent.provider ?? "", model }];
  } else {
    const rank = (ref: ModelRef): number => {
      const index = policy.providerPriority.indexOf(ref.provider);
      return index < 0 ? policy.providerPriority.length : index;
    };
    candidates = [...(policy.tiers[agent.tier] ?? [])].sort((left, right) => rank(left) - rank(right));
  }
  const served = candidates.filter((ref) => options.registry.has(ref.provider, ref.model));
  if (served.length === 0) {
    const wanted = agent.tier === undefined ? `${agent.provider}/${agent.model}` : `tier ${agent.tier}`;
    throw new AppError("UNAVAILABLE", `no configured provider can serve ${wanted} for agent "${agent.name}" (user tier ${options.userTier})`);
  }
  const healthy = served.filter((ref) => options.health.isAvailable(ref.provider));
  return [...healthy, ...served.filter((ref) => !healthy.includes(ref))];
}

/** The loop's ModelRoute for one run: candidates, the user tier's retry and fallback policy, provider health. */
export class ModelRouter implements ModelRoute {
  readonly userTier: string;
  private readonly options: RouterOptions;
  private readonly candidates: ModelRef[];
  private index = 0;
  private fallbacks = 0;
  private model: ChatModel;

  constructor(options: RouterOptions) {
    this.options = options;
    this.userTier = options.userTier;
    this.candidates = resolveCandidates(options);
    if (options.needsVision === true) this.index = Math.max(0, this.candidates.findIndex((ref) => supportsVision(options.registry, ref)));
    const first = this.candidates[this.index] as ModelRef;
    this.model = options.registry.resolve(first.provider, first.model);
  }

  /** This route for a run whose history holds images (or itself when it has none): non-vision candidates are skipped. */
  withVision(history: readonly Message[]): ModelRouter {
    const needsVision = history.some((message) => message.content.some((block) => block.type === "image"));
    return needsVision && this.options.needsVision !== true ? new ModelRouter({ ...this.options, needsVision }) : this;
  }

  current(): ChatModel {
    return this.model;
  }

  retryDelayMs(attempt: number, error: AppError): number | null {
    const allowed = this.options.agent.retry_attempts ?? this.options.policy.retryAttempts;
    if (attempt > allowed) return null;
    const retryAfter = error.details["retryAfterMs"];
    if (typeof retryAfter === "number") return retryAfter <= MAX_RETRY_AFTER_MS ? retryAfter : null;
    return BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length) - 1] ?? null;
  }

  fallback(error: AppError, context: { hasAssistantTurns: boolean }): FallbackStep | null {
    const { policy } = this.options;
    if (!error.retryable) return null;
    const failed = this.model;
    this.markFailed(failed, error);
    if (!policy.fallbackOnError || this.fallbacks >= policy.maxFallbackAttempts) return null;
    const { next, skipped } = this.nextCandidate();
    if (next === undefined) return null;
    this.fallbacks++;
    const sibling = context.hasAssistantTurns ? nonThinkingSibling(next.model) : null;
    const target = sibling !== null && this.options.registry.has(next.provider, sibling) ? sibling : next.model;
    this.model = this.options.registry.resolve(next.provider, target);
    return { model: this.model, reason: fallbackReason(error, failed.provider, skipped), ...(target !== next.model ? { downgradedFrom: next.model } : {}) };
  }

  /** The next candidate after the current one; when the run has images, non-vision ones are skipped (and named). */
  private nextCandidate(): { next: ModelRef | undefined; skipped: string[] } {
    const skipped: string[] = [];
    for (let index = this.index + 1; index < this.candidates.length; index++) {
      const ref = this.candidates[index] as ModelRef;
      if (this.options.needsVision === true && !supportsVision(this.options.registry, ref)) {
        skipped.push(`${ref.provider}/${ref.model}`);
        continue;
      }
      this.index = index;
      return { next: ref, skipped };
    }
    return { next: undefined, skipped };
  }

  private markFailed(model: ChatModel, error: AppError): void {
    const { health, policy } = this.options;
    if (error.details["status"] === 429) health.markRateLimited(model.provider, policy.rateLimitCooldownMs);
    else health.markStalled(model.provider);
  }

  succeeded(model: ChatModel): void {
    this.options.health.clear(model.provider);
  }
}
