/**
 * The one error catalog. Every failure the runtime reports carries one of these codes; each
 * transport maps a code to its own status (HTTP, gRPC, JSON-RPC) in its own `errors.ts`.
 */
export type ErrorCode =
  /** Input failed validation; `details.field` names the offending field. */
  | "INVALID_ARGUMENT"
  /** The request body is not parseable JSON. */
  | "INVALID_JSON"
  /** The named agent is not configured. */
  | "UNKNOWN_AGENT"
  /** A run, session or agent handle does not exist. */
  | "NOT_FOUND"
  /** Another run in the same session is still active. */
  | "SESSION_BUSY"
  /** The caller-chosen agent_id is held by a run that has not finished. */
  | "AGENT_ID_IN_USE"
  /** The request body exceeds the configured limit. */
  | "PAYLOAD_TOO_LARGE"
  /** The request body is not JSON. */
  | "UNSUPPORTED_MEDIA_TYPE"
  /** A configuration file or value is invalid; the message names file, line and field. */
  | "CONFIG_INVALID"
  /** The store could not be reached or answered with an error. */
  | "STORE_UNAVAILABLE"
  /** The model provider failed; `retryable` says whether the same call may succeed later. */
  | "PROVIDER_ERROR"
  /** The model stream produced no first byte, or stalled, past its timeout. */
  | "PROVIDER_TIMEOUT"
  /** No provider can serve the request now (every candidate is unknown, unkeyed or cooling down). */
  | "UNAVAILABLE"
  /** The run is executing a turn; it can be changed (compacted) only when it is not running. */
  | "RUN_NOT_PARKED"
  /** A channel of that name is already declared. */
  | "CHANNEL_EXISTS"
  /** The channel comes from the config file (`channels:`): it cannot be redeclared or deleted over the API. */
  | "CHANNEL_YAML_IMMUTABLE"
  /** An ack would move a subscriber's cursor back past messages it already consumed. */
  | "CHANNEL_CURSOR_REGRESSION"
  /** The run was cancelled by a caller. */
  | "CANCELLED"
  /** A turn-cancel (POST /v1/runs/{id}/cancel) named a run that is not interactive. */
  | "NOT_INTERACTIVE"
  /** A turn-cancel named an interactive run that is not running a turn (it waits for input, is queued, or has ended). */
  | "NOT_MID_TURN"
  /** The run is parking (the runtime pauses, or its process hands it back): the abort reason of its calls. */
  | "PARKED"
  /** The interruption is no longer pending (already answered, declined or cancelled, or a notification). */
  | "INTERRUPT_NOT_PENDING"
  /** The interruption expired before it was answered. */
  | "INTERRUPT_EXPIRED"
  /** The answer is not one of the interruption's `options`. */
  | "ANSWER_NOT_IN_OPTIONS"
  /** Vector memory is not available: no embedder configured, or the database lacks pgvector. */
  | "VECTOR_UNSUPPORTED"
  /** POST /v1/embeddings with no `memory.embedder` configured. */
  | "EMBEDDER_NOT_CONFIGURED"
  /** A memory value is larger than the per-entry cap. */
  | "MEMORY_VALUE_TOO_LARGE"
  /** The definition's name is owned by a Kubernetes object (GitOps): API and config writes are refused. */
  | "DEFINITION_OWNED"
  /** A definition of that name already exists (create makes v1 only; fork adds versions). */
  | "DEFINITION_EXISTS"
  /** A substrate op was refused by its rules (a fork widening tools, a grant the caller lacks). */
  | "TOOL_REFUSED"
  /** No bearer, or one that matches no token (deliberately opaque: it never says which). */
  | "UNAUTHENTICATED"
  /** The caller's token lacks the scope the route requires; `details.scope` names it. */
  | "FORBIDDEN"
  /** An active operator token already has that name (retire or rotate it instead). */
  | "TOKEN_NAME_IN_USE"
  /** The user already has its quota of queued + running runs; `details.retry_after_seconds` says when to retry. */
  | "PER_USER_QUOTA_EXHAUSTED"
  /** The tenant already has its quota of queued + running runs; `details.retry_after_seconds` says when to retry. */
  | "PER_TENANT_QUOTA_EXHAUSTED"
  /** The run queue is full (max_queue_depth); `details.retry_after_seconds` says when to retry. */
  | "BACKPRESSURE"
  /** A hard monthly token budget is used up; `details.retry_after_seconds` counts to the next month (UTC). */
  | "TOKEN_LIMIT_EXCEEDED"
  /** A snapshot would be larger than its cap (max_bytes / LOOMCYCLE_SNAPSHOT_MAX_BYTES). */
  | "SNAPSHOT_TOO_LARGE"
  /** A snapshot (or one of its sections) has a major version newer than this build reads. */
  | "SNAPSHOT_VERSION_TOO_NEW"
  /** The runtime is pausing or paused (POST /v1/_pause): new runs are refused until POST /v1/_resume. */
  | "RUNTIME_PAUSED"
  /** A pause is already under way, or the runtime is paused already. */
  | "ALREADY_PAUSING"
  /** A resume of a runtime that is not paused. */
  | "NOT_PAUSED"
  /** An invariant broke; the message is logged, never shown to callers. */
  | "INTERNAL";

/** Options that travel with an AppError: whether a retry may succeed, the cause, extra data. */
export interface AppErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
}

/** The single error type of the runtime; compare by `code`, never by message. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
  }
}

/** Narrows an unknown thrown value to an AppError with the given code. */
export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

/** A provider call that timed out waiting for the first byte or for the next chunk. */
export class ModelTimeoutError extends AppError {
  readonly timeoutMs: number;
  constructor(phase: "header" | "idle", timeoutMs: number) {
    super("PROVIDER_TIMEOUT", `model stream ${phase} timeout after ${timeoutMs} ms`, { retryable: true });
    this.timeoutMs = timeoutMs;
  }
}
