/** One steered input (POST /v1/runs/{id}/input) as stored (migration 0019). */
export interface RunInputRecord {
  /** Increasing per store: the order inputs are taken in. */
  id: string;
  run_id: string;
  text: string;
  /** Where it came from (`api`, `webui`…), as the caller said. */
  source: string;
  created_at: Date;
}

/**
 * Steered input, durable before any process is told about it. A run's unconsumed inputs are
 * counted on its row, so the awaiting_input park can refuse a run that has input waiting.
 */
export interface RunInputStore {
  /** Stores an input for an unfinished run; null when the run is missing or has finished. */
  add(runId: string, text: string, source: string): Promise<RunInputRecord | null>;
  /** The run's inputs not consumed yet, oldest first. */
  pending(runId: string): Promise<RunInputRecord[]>;
  /** Marks inputs consumed (ids already consumed are ignored). */
  consume(ids: readonly string[]): Promise<void>;
}
