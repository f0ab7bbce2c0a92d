import { createParser } from "eventsource-parser";

/** Timings of one run as a client saw them, in milliseconds from sending the request. */
export interface RunTiming {
  firstEventMs: number;
  endMs: number;
  ok: boolean;
}

/** Streams one run over SSE and times its first loop event (`started`) and its end (`done`). */
export async function timeOneRun(url: string, body: unknown): Promise<RunTiming> {
  const start = performance.now();
  const response = await fetch(`${url}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify(body),
  });
  let firstEventMs = -1;
  let ok = false;
  const parser = createParser({
    onEvent: (event) => {
      if (event.event === "started" && firstEventMs < 0) firstEventMs = performance.now() - start;
      if (event.event === "done") ok = true;
    },
  });
  const decoder = new TextDecoder();
  if (response.body !== null) for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
  return { firstEventMs, endMs: performance.now() - start, ok: ok && response.status === 200 };
}

/** Runs `total` runs with `concurrency` clients in flight; returns the timings and the wall time. */
export async function drive(options: { url: string; body: unknown; concurrency: number; total: number }): Promise<{ timings: RunTiming[]; wallMs: number }> {
  const timings: RunTiming[] = [];
  let issued = 0;
  const start = performance.now();
  const client = async (): Promise<void> => {
    while (issued < options.total) {
      issued++;
      timings.push(await timeOneRun(options.url, options.body));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return { timings, wallMs: performance.now() - start };
}

/** The p-th percentile (0–100) of a list, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
