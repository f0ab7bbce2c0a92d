import { AppError } from "../domain/index.ts";
import type { RuntimeStateName, RuntimeStateStore } from "../store/index.ts";

/** How long the runtime state read for admission is reused (loomcycle: 1 s cache). */
const CACHE_MS = 1_000;

/**
 * The pause gate of new runs: while the runtime is pausing or paused (the runtime_state row,
 * cluster-wide) new top-level runs are refused with RUNTIME_PAUSED. The state is read at most
 * once a second; the pause control messages set it at once (`remember`).
 */
export class RuntimeGate {
  private readonly store: Pick<RuntimeStateStore, "get">;
  private cached: { state: RuntimeStateName; at: number } | null = null;

  constructor(store: Pick<RuntimeStateStore, "get">) {
    this.store = store;
  }

  /** Throws RUNTIME_PAUSED unless the runtime is running. */
  async admit(): Promise<void> {
    const state = await this.state();
    if (state !== "running") {
      throw new AppError("RUNTIME_PAUSED", `the runtime is ${state}: new runs are refused until it is resumed (POST /v1/_resume)`, { retryable: true });
    }
  }

  /** The runtime state, from the cache when it is fresh. */
  async state(): Promise<RuntimeStateName> {
    const cached = this.cached;
    if (cached !== null && Date.now() - cached.at < CACHE_MS) return cached.state;
    const { state } = await this.store.get();
    this.remember(state);
    return state;
  }

  /** Records a state this process learned (it changed it, or a control message told it). */
  remember(state: RuntimeStateName): void {
    this.cached = { state, at: Date.now() };
  }

  /** Drops the cached state: the next admission reads the row. */
  invalidate(): void {
    this.cached = null;
  }
}
