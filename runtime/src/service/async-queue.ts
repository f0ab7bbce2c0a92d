/**
 * A small unbounded async queue: producers `push`, one consumer awaits `next` with a timeout.
 * Used to buffer live events while stored ones are replayed.
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private waiter: (() => void) | null = null;

  push(item: T): void {
    this.items.push(item);
    this.waiter?.();
  }

  /** The next item, or `undefined` after `timeoutMs` or when `signal` aborts. */
  async next(timeoutMs: number, signal: AbortSignal): Promise<T | undefined> {
    if (this.items.length === 0 && !signal.aborted) await this.wait(timeoutMs, signal);
    return this.items.shift();
  }

  private wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.waiter = null;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener("abort", done, { once: true });
      this.waiter = done;
    });
  }
}
