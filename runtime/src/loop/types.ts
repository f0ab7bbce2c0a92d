import type { AppError, CompactionPolicy, Message, RunCredentials, RunEvent, ToolUse } from "../domain/index.ts";
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
  resume?: { pendingToolCalls: readonly ToolUse[] };
  /** The run's sandbox for tools (volumes, host allowlists); absent = nothing allowed. */
  toolPolicy?: ToolPolicy;
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
