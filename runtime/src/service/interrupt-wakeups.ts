/**
 * In-process wake-ups for runs waiting on an interruption: `resolve` wakes the waiter at once;
 * a waiter also wakes after its timeout, so it re-reads the store (an answer that arrived
 * through another process) and notices expiry.
 */
export class InterruptWakeups {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Wakes every waiter of this interruption now. */
  wake(interruptId: string): void {
    for (const waiter of this.waiters.get(interruptId) ?? []) waiter();
  }

  /**
   * Resolves after `ms`, or when woken; rejects with the signal's reason when it aborts. Leaves
   * no timer or listener behind either way.
   */
  sleep(interruptId: string, options: { ms: number; signal: AbortSignal }): Promise<void> {
    const { signal } = options;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.remove(interruptId, wake);
      };
      const wake = (): void => {
        cleanup();
        resolve();
      };
      const onAbort = (): void => {
        cleanup();
        reject(signal.reason as Error);
      };
      const timer = setTimeout(wake, Math.max(0, options.ms));
      signal.addEventListener("abort", onAbort, { once: true });
      this.add(interruptId, wake);
    });
  }

  private add(interruptId: string, waiter: () => void): void {
    const set = this.waiters.get(interruptId) ?? new Set();
    set.add(waiter);
    this.waiters.set(interruptId, set);
  }

  private remove(interruptId: string, waiter: () => void): void {
    const set = this.waiters.get(interruptId);
    set?.delete(waiter);
    if (set?.size === 0) this.waiters.delete(interruptId);
  }
}
