import type { Message, RunEvent } from "../domain/index.ts";
import type { ChatModel } from "../providers/index.ts";
import type { Tool } from "../tools/index.ts";

/**
 * Where the loop puts events. `emit` hands an event over without waiting; the sink persists
 * events in order and publishes each only after it is stored. `flush` waits for everything
 * emitted so far to be stored.
 */
export interface EventSink {
  emit(event: RunEvent): void;
  flush(): Promise<void>;
}

/** The identity of the run the loop executes. */
export interface LoopRun {
  id: string;
  sessionId: string;
  agent: string;
  agentId: string;
  userId: string | null;
}

/** Bounds applied to every model and tool call. */
export interface LoopLimits {
  toolParallelism: number;
  headerTimeoutMs: number;
  idleTimeoutMs: number;
}

/** Everything one execution of the loop needs; the state comes from the stored transcript. */
export interface LoopInput {
  run: LoopRun;
  model: ChatModel;
  system: string;
  /** The conversation so far, rebuilt from the transcript, ending with the new user turn. */
  history: Message[];
  tools: readonly Tool[];
  maxIterations: number;
  /** Model calls this run already completed (non-zero when a run resumes). */
  iterationsDone: number;
  maxTokens: number;
  metadata: Readonly<Record<string, unknown>>;
  sink: EventSink;
  signal: AbortSignal;
  limits: LoopLimits;
}
