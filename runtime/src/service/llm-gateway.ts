import { AppError, TIERS, isAppError, newId } from "../domain/index.ts";
import type { Embedder, Logger, Message, Principal, Tier, Usage } from "../domain/index.ts";
import type { Config, ModelRef, UserTierPolicy } from "../config/index.ts";
import type { ChatModel, ModelStreamPart, ProviderRegistry, Sampling, ToolDefinition } from "../providers/index.ts";
import type { Store } from "../store/index.ts";
import type { ProviderHealth } from "./provider-health.ts";
import { priceUsage } from "./price-usage.ts";

/** Same-provider backoff before retry n when the provider gives no Retry-After (the loop's schedule). */
const BACKOFF_MS = [100, 300, 900, 2_700, 8_100];
/** The longest Retry-After worth waiting for in a request (the loop's bound). */
const MAX_RETRY_AFTER_MS = 60_000;
/** The ledger's agent column for calls that came through the gateway. */
export const GATEWAY_AGENT = "llm_gateway";

/** What the gateway is built from: the same registry, routing, health and pricing the loop uses. */
export interface LlmGatewayDeps {
  providers: ProviderRegistry;
  routing: Config["routing"];
  aliases: Config["models"];
  health: ProviderHealth;
  pricing: Config["pricing"];
  store: Pick<Store, "recordGatewayUsage">;
  logger: Logger;
  /** The memory embedder (`memory.embedder`); null = /v1/embeddings answers 503. */
  embedder: Embedder | null;
}

/** One model call through the gateway, already validated and normalized by a transport. */
export interface GatewayRequest {
  /** An alias, a model id, `provider/model`, or a tier name (low|middle|high). */
  model?: string;
  provider?: string;
  tier?: Tier;
  userId?: string;
  userTier?: string;
  system: string;
  messages: Message[];
  tools: ToolDefinition[];
  maxTokens: number;
  sampling?: Sampling;
}

/** A part of a gateway stream: which model took the call, then the model's normalized parts. */
export type GatewayPart = { type: "provider-chosen"; provider: string; model: string; requestId: string } | ModelStreamPart;

/** A finished non-streamed call. */
export interface GatewayResult {
  requestId: string;
  provider: string;
  model: string;
  text: string;
  toolCalls: { id: string; name: string; input: Record<string, unknown> }[];
  stopReason: string;
  usage: Usage;
}

/**
 * The LLM gateway: one model call for a principal, bypassing the agent loop (no run rows), through
 * the same candidates, same-provider retry, fallback policy and usage ledger the loop uses.
 * Retry and fallback happen only before the model has produced anything.
 */
export class LlmGateway {
  private readonly deps: LlmGatewayDeps;

  constructor(deps: LlmGatewayDeps) {
    this.deps = deps;
  }

  get embedder(): Embedder | null {
    return this.deps.embedder;
  }

  /** Aliases and the models named by the routing tiers (the ids /v1/models lists). */
  listModels(): { id: string; owned_by: string }[] {
    const seen = new Map<string, string>();
    for (const [alias, ref] of Object.entries(this.deps.aliases)) seen.set(alias, ref.provider);
    for (const ref of this.configuredRefs()) if (this.deps.providers.has(ref.provider, ref.model)) seen.set(`${ref.provider}/${ref.model}`, ref.provider);
    return [...seen].map(([id, owner]) => ({ id, owned_by: owner }));
  }

  /** Streams one call: `provider-chosen` first, then the model's parts; usage is recorded at `finish`. */
  async *stream(request: GatewayRequest, principal: Principal, signal: AbortSignal): AsyncGenerator<GatewayPart> {
    const policy = this.policyFor(request.userTier);
    const candidates = this.candidates(request, policy);
    const requestId = newId("llm");
    for (let index = 0; ; index++) {
      const model = this.deps.providers.resolve(candidates[index]!.provider, candidates[index]!.model);
      const started = { emitted: false };
      try {
        yield* this.attempt({ model, request, policy, signal, requestId, principal, started });
        return;
      } catch (error) {
        const canFallBack = policy.fallbackOnError && index < Math.min(candidates.length - 1, policy.maxFallbackAttempts);
        if (started.emitted || !isAppError(error) || !error.retryable) throw error;
        this.markFailed(model, error, policy);
        if (!canFallBack) throw error;
        this.deps.logger.warn({ err: error, provider: model.provider }, "llm_gateway: falling back");
      }
    }
  }

  /** A whole call, collected. */
  async complete(request: GatewayRequest, principal: Principal, signal: AbortSignal): Promise<GatewayResult> {
    const result: GatewayResult = { requestId: "", provider: "", model: "", text: "", toolCalls: [], stopReason: "end_turn", usage: emptyUsage() };
    for await (const part of this.stream(request, principal, signal)) collect(result, part);
    return result;
  }

  private async *attempt(call: AttemptCall): AsyncGenerator<GatewayPart> {
    const { model, request, policy, signal } = call;
    for (let attempt = 1; ; attempt++) {
      try {
        const parts = model.stream({ system: request.system, messages: request.messages, tools: request.tools, maxTokens: request.maxTokens, ...(request.sampling ? { sampling: request.sampling } : {}), metadata: {} }, { signal });
        yield* this.relay(call, parts);
        this.deps.health.clear(model.provider);
        return;
      } catch (error) {
        const wait = call.started.emitted ? null : retryDelay(error, attempt, policy);
        if (wait === null) throw error;
        await sleep(wait, signal);
      }
    }
  }

  /** The model's parts, announced by `provider-chosen` on the first, with the finish's usage priced and recorded. */
  private async *relay(call: AttemptCall, parts: AsyncIterable<ModelStreamPart>): AsyncGenerator<GatewayPart> {
    for await (const part of parts) {
      if (!call.started.emitted) yield { type: "provider-chosen", provider: call.model.provider, model: call.model.modelId, requestId: call.requestId };
      call.started.emitted = true;
      yield part.type === "finish" ? { ...part, usage: await this.record(call, part.usage) } : part;
    }
  }

  private async record(call: AttemptCall, raw: Usage): Promise<Usage> {
    const usage = priceUsage({ ...raw, provider: call.model.provider, model: call.model.modelId }, this.deps.pricing);
    const userId = call.request.userId ?? null;
    this.deps.logger.info({ request_id: call.requestId, tenant: call.principal.tenantId, user: userId, provider: usage.provider, model: usage.model, input_tokens: usage.input_tokens, output_tokens: usage.output_tokens }, "llm_gateway: call");
    await this.deps.store.recordGatewayUsage({ requestId: call.requestId, tenantId: call.principal.tenantId, userId, agent: GATEWAY_AGENT, usage });
    return usage;
  }

  /** As the loop's router does: a 429 cools the provider down, any other retryable failure marks it stalled. */
  private markFailed(model: ChatModel, error: AppError, policy: UserTierPolicy): void {
    if (error.details["status"] === 429) this.deps.health.markRateLimited(model.provider, policy.rateLimitCooldownMs);
    else this.deps.health.markStalled(model.provider);
  }

  private policyFor(userTier: string | undefined): UserTierPolicy {
    const tiers = this.deps.routing.userTiers;
    const policy = tiers[userTier ?? "default"] ?? tiers["default"];
    if (policy === undefined) throw new AppError("INVALID_ARGUMENT", `user_tier: unknown user tier "${userTier ?? "default"}"`, { details: { field: "user_tier" } });
    return policy;
  }

  /** The models that may take the call, best first: a tier's candidates, or the one model named. */
  private candidates(request: GatewayRequest, policy: UserTierPolicy): ModelRef[] {
    const tier = request.tier ?? (TIERS as readonly string[]).find((name) => name === request.model);
    const wanted = tier === undefined ? this.namedModel(request) : tierCandidates(policy, tier as Tier);
    const served = wanted.filter((ref) => this.deps.providers.has(ref.provider, ref.model));
    if (served.length === 0) throw new AppError("INVALID_ARGUMENT", `model: no configured provider serves "${request.model ?? tier ?? ""}" (name an alias, a tier, a configured model or provider/model)`, { details: { field: "model" } });
    const healthy = served.filter((ref) => this.deps.health.isAvailable(ref.provider));
    return [...healthy, ...served.filter((ref) => !healthy.includes(ref))];
  }

  private namedModel(request: GatewayRequest): ModelRef[] {
    const model = request.model ?? "";
    const alias = this.deps.aliases[model];
    if (alias !== undefined) return [alias];
    if (request.provider !== undefined) return [{ provider: request.provider, model }];
    const slash = model.indexOf("/");
    if (slash > 0 && this.deps.providers.providers().includes(model.slice(0, slash))) return [{ provider: model.slice(0, slash), model: model.slice(slash + 1) }];
    return this.configuredRefs().filter((ref) => ref.model === model);
  }

  /** Every model the routing tiers name (a bare model id must be one of them). */
  private configuredRefs(): ModelRef[] {
    return Object.values(this.deps.routing.userTiers).flatMap((policy) => Object.values(policy.tiers).flatMap((refs) => [...(refs ?? [])]));
  }
}

interface AttemptCall {
  model: ChatModel;
  request: GatewayRequest;
  policy: UserTierPolicy;
  signal: AbortSignal;
  requestId: string;
  principal: Principal;
  started: { emitted: boolean };
}

function tierCandidates(policy: UserTierPolicy, tier: Tier): ModelRef[] {
  const rank = (ref: ModelRef): number => {
    const index = policy.providerPriority.indexOf(ref.provider);
    return index < 0 ? policy.providerPriority.length : index;
  };
  return [...(policy.tiers[tier] ?? [])].sort((left, right) => rank(left) - rank(right));
}

/** How long to wait before retrying the same provider, or null when the error is not worth a retry. */
function retryDelay(error: unknown, attempt: number, policy: UserTierPolicy): number | null {
  if (!isAppError(error) || !error.retryable || attempt > policy.retryAttempts) return null;
  const retryAfter = error.details["retryAfterMs"];
  if (typeof retryAfter === "number") return retryAfter <= MAX_RETRY_AFTER_MS ? retryAfter : null;
  return BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length) - 1] ?? null;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

function emptyUsage(): Usage {
  return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

function collect(result: GatewayResult, part: GatewayPart): void {
  if (part.type === "provider-chosen") Object.assign(result, { requestId: part.requestId, provider: part.provider, model: part.model });
  else if (part.type === "text-delta") result.text += part.text;
  else if (part.type === "tool-call") result.toolCalls.push({ id: part.id, name: part.name, input: part.input });
  else if (part.type === "finish") Object.assign(result, { stopReason: part.stopReason, usage: part.usage });
}
