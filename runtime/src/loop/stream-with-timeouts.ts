import { ModelTimeoutError } from "../domain/index.ts";

export interface StreamTimeouts {
  /** Longest wait for the first part. */
  headerMs: number;
  /** Longest wait between two parts. */
  idleMs: number;
  /** Aborted when a timeout fires, so the provider call stops too. */
  controller: AbortController;
}

/**
 * Re-yields a provider stream, failing with ModelTimeoutError when the first part takes longer
 * than `headerMs` or a later one longer than `idleMs`. The timeout aborts the call itself.
 */
export async function* streamWithTimeouts<T>(source: AsyncIterable<T>, timeouts: StreamTimeouts): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let phase: "header" | "idle" = "header";
  try {
    for (;;) {
      const limit = phase === "header" ? timeouts.headerMs : timeouts.idleMs;
      const next = await nextWithin(iterator, { limit, phase, controller: timeouts.controller });
      if (next.done === true) return;
      phase = "idle";
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

function nextWithin<T>(
  iterator: AsyncIterator<T>,
  options: { limit: number; phase: "header" | "idle"; controller: AbortController },
): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ModelTimeoutError(options.phase, options.limit);
      options.controller.abort(error);
      reject(error);
    }, options.limit);
  });
  return Promise.race([iterator.next(), timeout]).finally(() => clearTimeout(timer));
}
