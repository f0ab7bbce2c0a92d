/** A repeating task: runs now, then `intervalMs` after each run ends; never two runs at once. */
export interface Ticker {
  /** Runs the task now (after any run in flight) and resolves when it is done. */
  kick(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `task` at once and every `intervalMs` after it finishes; a thrown error goes to `onError` and the ticking goes on. */
export function startTicker(task: () => Promise<void>, options: { intervalMs: number; onError: (error: unknown) => void }): Ticker {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const run = (): Promise<void> => {
    clearTimeout(timer);
    running = running
      .then(() => (stopped ? undefined : task()))
      .catch(options.onError)
      .finally(() => {
        clearTimeout(timer);
        if (!stopped) timer = setTimeout(() => void run(), options.intervalMs);
      });
    return running;
  };
  void run();
  return {
    kick: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
