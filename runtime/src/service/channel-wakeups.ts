/**
 * In-process wake-ups for channel long-polls: a subscriber arms a waiter on its partition before
 * it reads, so a publish that lands between its read and its wait still wakes it. Publishes in
 * other processes are not seen here; long-polls re-check the store on a timer for those.
 */
export class ChannelWakeups {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** Registers a waiter; `wait` resolves on a wake, after `ms`, or on abort. Always `disarm` it. */
  arm(key: string): { wait: (ms: number, signal?: AbortSignal) => Promise<void>; disarm: () => void } {
    let wake: () => void = () => undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const set = this.waiters.get(key) ?? new Set();
    set.add(wake);
    this.waiters.set(key, set);
    return {
      wait: (ms, signal) => raceWake(woken, ms, signal),
      disarm: () => {
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
      },
    };
  }

  /** Wakes every waiter armed on the partition. */
  wake(key: string): void {
    for (const wake of this.waiters.get(key) ?? []) wake();
  }
}

function raceWake(woken: Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
    if (signal?.aborted) done();
    void woken.then(done);
  });
}

/** The wake-up key of a partition. */
export function partitionKey(channel: string, scopeId: string): string {
  return `${channel}\u0000${scopeId}`;
}
