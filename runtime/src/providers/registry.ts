import { AppError } from "../domain/index.ts";
import type { ChatModel } from "./chat-model.ts";

/** Builds a ChatModel for a model id of one provider; returns null for a model it does not serve. */
export type ChatModelFactory = (modelId: string) => ChatModel | null;

/**
 * ProviderRegistry: "provider + model" → ChatModel. main.ts fills it with adapters; the service
 * asks it for the agent's model before a run starts, so an unknown pair fails early.
 */
export class ProviderRegistry {
  private readonly factories = new Map<string, ChatModelFactory>();

  register(provider: string, factory: ChatModelFactory): void {
    this.factories.set(provider, factory);
  }

  providers(): string[] {
    return [...this.factories.keys()];
  }

  /** Whether this provider is registered and serves this model (without building it twice). */
  has(provider: string, modelId: string): boolean {
    return this.factories.get(provider)?.(modelId) != null;
  }

  resolve(provider: string, modelId: string): ChatModel {
    const factory = this.factories.get(provider);
    if (factory === undefined) {
      throw new AppError("INVALID_ARGUMENT", `unknown provider "${provider}"; configured: ${this.providers().join(", ")}`, {
        details: { field: "provider" },
      });
    }
    const model = factory(modelId);
    if (model === null) {
      throw new AppError("INVALID_ARGUMENT", `provider "${provider}" has no model "${modelId}"`, { details: { field: "model" } });
    }
    return model;
  }
}
