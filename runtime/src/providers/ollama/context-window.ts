import type { ListResponse } from "ollama";

/**
 * How long a window read from `/api/ps` is trusted. A model is reloaded with another `num_ctx`
 * rarely; a minute bounds how stale the gauge can get while keeping `/api/ps` off most calls.
 */
const CONTEXT_WINDOW_TTL_MS = 60_000;

/**
 * Loaded context windows per `host|model`, misses included (a cloud host without `/api/ps` is
 * asked once a minute, not on every call). Shared across ChatModel instances of one process,
 * because the registry may build a fresh instance per run.
 */
export class ContextWindowCache {
  private readonly entries = new Map<string, { tokens: number | undefined; at: number }>();

  /** The cached window: a number, `undefined` for a cached miss, `null` when it must be read again. */
  get(key: string, now: number = Date.now()): number | undefined | null {
    const entry = this.entries.get(key);
    if (entry === undefined || now - entry.at > CONTEXT_WINDOW_TTL_MS) return null;
    return entry.tokens;
  }

  set(key: string, tokens: number | undefined, now: number = Date.now()): void {
    this.entries.set(key, { tokens, at: now });
  }
}

/** The process-wide cache the Ollama driver uses unless a test passes its own. */
export const sharedContextWindows = new ContextWindowCache();

/**
 * The `context_length` `/api/ps` reports for a loaded model (the window the runner really
 * allocated, which may differ from the model's trained maximum). A bare name matches `:latest`.
 * @see https://github.com/ollama/ollama/blob/main/docs/api.md#list-running-models
 */
export function findContextLength(response: ListResponse, model: string): number | undefined {
  const names = new Set([model, model.includes(":") ? model : `${model}:latest`]);
  for (const entry of response.models ?? []) {
    if (!names.has(entry.name) && !names.has(entry.model)) continue;
    const tokens = (entry as { context_length?: unknown }).context_length;
    return typeof tokens === "number" && tokens > 0 ? tokens : undefined;
  }
  return undefined;
}
