/**
 * Polling, never sleep-and-assert: `pollUntil` calls `probe` until it returns a value other than
 * undefined, or fails after `timeoutMs` with what it was waiting for and the last thing it saw.
 */
export interface PollOptions {
  /** What is awaited, for the error message ("agent default/a Ready=True"). */
  what: string;
  timeoutMs: number;
  /** Pause between probes (default 100 ms). */
  intervalMs?: number;
  /** Describes the last observation for the timeout error (e.g. the object's status). */
  describe?: () => string | Promise<string>;
  /** Checked before each probe: an error here ends the wait at once (e.g. the process being waited on exited). */
  failFast?: () => Error | undefined;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function pollUntil<T>(probe: () => Promise<T | undefined> | T | undefined, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const fatal = options.failFast?.();
    if (fatal !== undefined) throw fatal;
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = options.describe === undefined ? "" : `\nlast seen: ${await Promise.resolve(options.describe()).catch((error: unknown) => String(error))}`;
      const failed = lastError === undefined ? "" : `\nlast error: ${String(lastError)}`;
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${seen}${failed}`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}
