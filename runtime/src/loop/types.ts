import type { AppError, CompactionPolicy, Message, ParkTarget, RunCredentials, RunEvent, ToolUse, Usage } from "../domain/index.ts";
import type { ChatModel, Effort, ModelRequest, Sampling } from "../providers/index.ts";
import type { Tool, ToolHooks, ToolPolicy } from "../tools/index.ts";

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
  tenantId: string;
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

/** Where the loop goes after a failed call: another model, and what to tell the stream. */
export interface FallbackStep {
  model: ChatModel;
  reason: string;
  /** Set when a thinking-class model was swapped for its non-thinking sibling. */
  downgradedFrom?: string;
}

/**
 * How the loop picks models and recovers from their failures. The service's router implements
 * it from the agent's pin or tier, the user tier's policy and provider health.
 */
export interface ModelRoute {
  readonly userTier: string;
  /** The model to call now. */
  current(): ChatModel;
  /** The wait before same-provider retry number `attempt` (1-based), or null when retries are used up. */
  retryDelayMs(attempt: number, error: AppError): number | null;
  /** Marks the current model failed and moves to the next candidate, or null when there is none. */
  fallback(error: AppError, context: { hasAssistantTurns: boolean }): FallbackStep | null;
  /** A call succeeded: its provider is healthy again. */
  succeeded(model: ChatModel): void;
}

/**
 * A context-transform plugin chain: applied to a copy of every outbound model request right
 * before the call (redaction…). It must not mutate its argument; the transcript never sees it.
 */
export type RequestTransform = (request: ModelRequest) => ModelRequest;

/** The run's compaction policy and, when the policy names one, the cheaper summarizer model. */
export interface LoopCompaction {
  policy: CompactionPolicy;
  summarizer?: ChatModel;
}

/**
 * How a run is asked to park (leave its process without ending). The loop asks `target()` at
 * the top of every iteration and parks when it answers; `signal` aborting means park now: the
 * model call and tool calls in flight are aborted (their abort reason is a PARKED AppError) and
 * the loop parks with `target()`. A cancel (LoopInput.signal) always wins over a park.
 */
export interface ParkControl {
  target(): ParkTarget | null;
  readonly signal: AbortSignal;
}

/** A user turn steered into a run (POST /v1/runs/{id}/input). */
export interface SteeredInput {
  id: string;
  text: string;
  /** Where the caller said it came from (api, webui…). */
  source: string;
}

/**
 * Steered input, taken at the top of every iteration. `take` answers the inputs not taken yet,
 * oldest first; the loop records each as a `user_input` event, flushes the sink, then calls
 * `consumed` with their ids (an input whose event is stored is never taken again).
 */
export interface InputSource {
  take(): Promise<SteeredInput[]>;
  consumed(ids: readonly string[]): Promise<void>;
}

/**
 * The turns of an interactive run. The loop calls `start` when a user turn begins and `end` when
 * it is over; aborting the signal `start` returned cancels that turn only (a turn-cancel), never
 * the run: the loop stops its model and tool calls, emits `turn_cancelled` with `reason()`, and
 * waits for input.
 */
export interface TurnControl {
  start(): AbortSignal;
  end(): void;
  reason(): string;
}

/** Everything one execution of the loop needs; the state comes from the stored transcript. */
export interface LoopInput {
  run: LoopRun;
  /** The model when there is no route (tests, single-model runs). */
  model: ChatModel;
  /** Retries and fallback; without one, a failed call fails the run. */
  route?: ModelRoute;
  system: string;
  /** The conversation so far, rebuilt from the transcript, ending with the new user turn. */
  history: Message[];
  tools: readonly Tool[];
  maxIterations: number;
  /**
   * Set when the run resumes after its process stopped: no second `started`, and the tool calls
   * it left without results run first.
   */
  resume?: {
    pendingToolCalls: readonly ToolUse[];
    /** The run had ended its turn and was waiting for input (interactive): it takes input or waits again. */
    awaitingInput?: boolean;
  };
  /** The run's sandbox for tools (volumes, host allowlists); absent = nothing allowed. */
  toolPolicy?: ToolPolicy;
  /** Asks the run to park at an iteration boundary, or at once; absent = the run never parks. */
  park?: ParkControl;
  /** The run's usage before this execution (recorded when it parked); absent = none. */
  usageSoFar?: Usage;
  /** Steered input (POST /v1/runs/{id}/input); absent = the run takes none. */
  inputs?: InputSource;
  /**
   * Set for an interactive run: at the end of each turn it emits `awaiting_input` and parks at
   * `awaiting_input` (unless input waits already), and its max_iterations applies per user turn.
   */
  interactive?: TurnControl;
  /** Model calls this run already completed (non-zero when a run resumes). */
  iterationsDone: number;
  maxTokens: number;
  sampling?: Sampling;
  effort?: Effort;
  metadata: Readonly<Record<string, unknown>>;
  sink: EventSink;
  signal: AbortSignal;
  limits: LoopLimits;
  /** Context compaction; without it only a self-requested compaction (Context op=compact) runs, with defaults. */
  compaction?: LoopCompaction;
  /** Applied to a copy of every outbound request (summaries included). */
  transformRequest?: RequestTransform;
  /** Tool-use hooks (pre/post) around every tool call; absent = none. */
  hooks?: ToolHooks;
  /** The caller's per-run credentials: tools get them in their context, and their values are masked in every tool result. */
  secrets?: RunCredentials;
}
