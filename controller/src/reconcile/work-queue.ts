/** client-go's default per-item backoff: 5 ms doubling per failure, capped at 1000 s. */
const BASE_DELAY_MS = 5;
const MAX_DELAY_MS = 1_000_000;

export interface WorkQueueOptions {
  /** Called whenever the number of waiting keys changes (the depth gauge). */
  onDepth?: (depth: number) => void;
}

/** Handles one key; the queue calls `done(key)` after it settles, whatever it returns. */
export type KeyHandler = (key: string) => Promise<void>;

/**
 * A deduplicating keyed work queue (client-go workqueue, pepr core/queue.ts): a key added twice
 * while waiting is one item; a key added while a worker holds it runs again after, never
 * concurrently. Per-key exponential backoff for failures; `forget` resets it.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private readonly workers: Promise<void>[] = [];
  private shuttingDown = false;
  private readonly onDepth: (depth: number) => void;

  constructor(options: WorkQueueOptions = {}) {
    this.onDepth = options.onDepth ?? ((): void => undefined);
  }

  /** Keys waiting to be handed to a worker. */
  get depth(): number {
    return this.queue.length;
  }

  /** Marks `key` for processing (no-op if already waiting or once shut down). */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.take(key));
    else this.queue.push(key);
    this.onDepth(this.queue.length);
  }

  /** Adds `key` after `ms`; an earlier pending add wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = Date.now() + ms;
    const pending = this.timers.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    this.timers.set(key, { at, timer });
  }

  /** Adds `key` after its backoff (5 ms · 2^failures, capped at 1000 s) and counts a failure. */
  addRateLimited(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const delay = Math.min(BASE_DELAY_MS * 2 ** failures, MAX_DELAY_MS);
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears `key`'s failure count (its next failure backs off from 5 ms again). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** How many times in a row `key` has failed. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Starts `count` workers, each taking one key at a time and handing it to `handle`. */
  run(count: number, handle: KeyHandler): void {
    for (let index = 0; index < count; index++) this.workers.push(this.work(handle));
  }

  /**
   * Stops handing out keys, drops waiting and delayed ones, and resolves once every in-flight
   * handler has settled (or after `timeoutMs`, leaving stragglers to finish on their own).
   */
  async shutDown(timeoutMs = 30_000): Promise<void> {
    this.shuttingDown = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.dirty.clear();
    this.onDepth(0);
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all(this.workers), timeout]);
    clearTimeout(timer);
  }

  private take(key: string): string {
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private next(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.onDepth(this.queue.length);
      return Promise.resolve(this.take(key));
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private done(key: string): void {
    this.processing.delete(key);
    if (!this.dirty.has(key) || this.shuttingDown) return;
    this.dirty.delete(key);
    this.add(key);
  }

  private async work(handle: KeyHandler): Promise<void> {
    for (let key = await this.next(); key !== undefined; key = await this.next()) {
      try {
        await handle(key);
      } catch {
        // The handler owns its errors (the controller turns them into a rate-limited requeue).
      } finally {
        this.done(key);
      }
    }
  }
}
