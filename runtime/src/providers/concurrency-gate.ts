import { AppError } from "../domain/index.ts";

/** What a gate is built from: the provider it guards, its slot count and the longest wait for a slot. */
export interface ConcurrencyGateOptions {
  provider: string;
  /** Calls in flight at once; at least 1. */
  limit: number;
  /** A waiter gives up after this long with a retryable PROVIDER_ERROR, so the loop can fall back. */
  queueTimeoutMs: number;
}

interface Waiter {
  grant: () => void;
}

/**
 * A counting semaphore for one provider's `max_concurrent`: a call takes a slot before its first
 * part and gives it back when its stream ends, throws or is abandoned. Waiters are served in
 * arrival order; a waiter whose signal aborts or whose wait times out leaves the queue.
 */
export class ConcurrencyGate {
  readonly provider: string;
  readonly limit: number;
  private readonly queueTimeoutMs: number;
  private active = 0;
  private readonly waiters: Waiter[] = [];

  constructor(options: ConcurrencyGateOptions) {
    this.provider = options.provider;
    this.limit = Math.max(1, options.limit);
    this.queueTimeoutMs = options.queueTimeoutMs;
  }

  /** Slots taken right now (the `loomcycle_provider_slots_in_use` gauge). */
  inUse(): number {
    return this.active;
  }

  /** Calls waiting for a slot. */
  waiting(): number {
    return this.waiters.length;
  }

  /**
   * Takes a slot, waiting up to the queue timeout. Resolves to the release function (idempotent);
   * rejects with the signal's reason when it aborts, or a retryable PROVIDER_ERROR on timeout.
   */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return this.enqueue(signal);
  }

  private enqueue(signal: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const leave = (error: unknown): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        cleanup();
        reject(error as Error);
      };
      const onAbort = (): void => leave(signal.reason);
      const timer = setTimeout(() => leave(this.timeoutError()), this.queueTimeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      };
      const waiter: Waiter = {
        grant: () => {
          cleanup();
          resolve(this.releaser());
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** A one-shot release: hands the slot to the next waiter, or frees it. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next === undefined) this.active--;
      else next.grant();
    };
  }

  private timeoutError(): AppError {
    return new AppError(
      "PROVIDER_ERROR",
      `provider ${this.provider}: all ${this.limit} slots (max_concurrent) stayed busy for ${this.queueTimeoutMs} ms`,
      { retryable: true, details: { reason: "provider_concurrency_exhausted" } },
    );
  }
}
