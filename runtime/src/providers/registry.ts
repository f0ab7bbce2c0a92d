import { AppError } from "../domain/index.ts";
import type { ChatModel } from "./chat-model.ts";
import type { ConcurrencyGate } from "./concurrency-gate.ts";
import { GatedChatModel } from "./gated-chat-model.ts";

/** Builds a ChatModel for a model id of one provider; returns null for a model it does not serve. */
export type ChatModelFactory = (modelId: string) => ChatModel | null;

/** Lists the model ids a provider serves right now (one network round-trip); rejects when it cannot be reached. */
export type ModelLister = (signal: AbortSignal) => Promise<string[]>;

/** Optional extras of a provider: its model lister (for the availability probe) and its `max_concurrent` gate. */
export interface ProviderExtras {
  listModels?: ModelLister;
  gate?: ConcurrencyGate;
}

interface Entry {
  factory: ChatModelFactory;
  extras: ProviderExtras;
}

/**
 * ProviderRegistry: "provider + model" → ChatModel. main.ts fills it with adapters; the service
 * asks it for the agent's model before a run starts, so an unknown pair fails early. A provider
 * with a gate hands out gated models, so `max_concurrent` holds whoever calls them.
 */
export class ProviderRegistry {
  private readonly entries = new Map<string, Entry>();
  /**
   * Models built so far, by provider and model id: a driver holds only its SDK client and
   * options, so one instance serves every run, and starting a run builds no client.
   */
  private readonly built = new Map<string, ChatModel | null>();

  register(provider: string, factory: ChatModelFactory, extras: ProviderExtras = {}): void {
    this.entries.set(provider, { factory, extras });
    for (const key of this.built.keys()) if (key.startsWith(`${provider}\n`)) this.built.delete(key);
  }

  providers(): string[] {
    return [...this.entries.keys()];
  }

  /** Whether this provider is registered and serves this model. */
  has(provider: string, modelId: string): boolean {
    return this.build(provider, modelId) !== null;
  }

  private build(provider: string, modelId: string): ChatModel | null {
    const key = `${provider}\n${modelId}`;
    if (!this.built.has(key)) this.built.set(key, this.entries.get(provider)?.factory(modelId) ?? null);
    return this.built.get(key) ?? null;
  }

  /** The provider's model lister, when its driver can list models. */
  lister(provider: string): ModelLister | undefined {
    return this.entries.get(provider)?.extras.listModels;
  }

  /** The `max_concurrent` gates, for the slot gauges. */
  gates(): ConcurrencyGate[] {
    return [...this.entries.values()].flatMap((entry) => (entry.extras.gate ? [entry.extras.gate] : []));
  }

  resolve(provider: string, modelId: string): ChatModel {
    const entry = this.entries.get(provider);
    if (entry === undefined) {
      throw new AppError("INVALID_ARGUMENT", `unknown provider "${provider}"; configured: ${this.providers().join(", ")}`, {
        details: { field: "provider" },
      });
    }
    const model = this.build(provider, modelId);
    if (model === null) {
      throw new AppError("INVALID_ARGUMENT", `provider "${provider}" has no model "${modelId}"`, { details: { field: "model" } });
    }
    return entry.extras.gate ? new GatedChatModel(model, entry.extras.gate) : model;
  }
}
