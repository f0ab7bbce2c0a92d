import type { ChatModel, ModelCallOptions, ModelCapabilities, ModelRequest, ModelStreamPart } from "./chat-model.ts";
import type { ConcurrencyGate } from "./concurrency-gate.ts";

/**
 * A ChatModel whose calls go through its provider's ConcurrencyGate, so the loop needs no change:
 * the slot is taken when the stream is first read and given back in `finally`, which runs when
 * the stream ends, throws, or the caller stops reading (`return()` on the iterator).
 */
export class GatedChatModel implements ChatModel {
  private readonly inner: ChatModel;
  private readonly gate: ConcurrencyGate;

  constructor(inner: ChatModel, gate: ConcurrencyGate) {
    this.inner = inner;
    this.gate = gate;
  }

  get provider(): string {
    return this.inner.provider;
  }

  get modelId(): string {
    return this.inner.modelId;
  }

  /** Delegated on every read: some drivers (Ollama) learn their window after a call. */
  get capabilities(): ModelCapabilities | undefined {
    return this.inner.capabilities;
  }

  async *stream(request: ModelRequest, options: ModelCallOptions): AsyncIterable<ModelStreamPart> {
    const release = await this.gate.acquire(options.signal);
    try {
      yield* this.inner.stream(request, options);
    } finally {
      release();
    }
  }
}
