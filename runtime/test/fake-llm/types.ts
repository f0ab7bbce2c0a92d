/** The four wire protocols the fake speaks; the request path decides which one answers. */
export type FakeProtocol = "anthropic" | "openai" | "gemini" | "ollama";

/** One tool call the scripted model makes; `id` is generated in the protocol's own style when absent. */
export interface FakeToolCall {
  name: string;
  input: Record<string, unknown>;
  id?: string;
}

/** Token counts copied into each protocol's usage fields. */
export interface FakeUsage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** The normalized stop reasons a script may ask for; each protocol maps them to its own value. */
export type FakeStopReason = "end_turn" | "max_tokens" | "tool_use" | "stop_sequence";

/** A scripted HTTP failure, answered instead of a stream with the vendor's error JSON. */
export interface FakeError {
  status: number;
  retryAfterSeconds?: number;
  message?: string;
}

/** One scripted model response; a test queues these per scope and the server answers them in order. */
export interface FakeReply {
  /** Streamed in several chunks, split on word boundaries. */
  text?: string;
  /** A thinking block (anthropic), `reasoning_content` (openai), `thought: true` parts (gemini), `message.thinking` (ollama). */
  thinking?: string;
  /** More than one = parallel tool calls in one response. */
  toolCalls?: FakeToolCall[];
  usage?: FakeUsage;
  /** Default `end_turn`, or `tool_use` when there are tool calls. */
  stopReason?: FakeStopReason;
  /** Answered instead of a stream, with a `retry-after` header when `retryAfterSeconds` is set. */
  error?: FakeError;
  /** Destroy the socket after this many stream chunks (a stream cut mid-way). */
  cutAfterChunks?: number;
  /** Wait this long before sending the response headers. */
  delayMs?: number;
}

/** A request as the server saw it; tests read these to check what a driver sent (and what it must not leak). */
export interface RecordedRequest {
  protocol: FakeProtocol;
  scope: string;
  method: string;
  /** The path after the `/<scope>` segment, with its query string. */
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body, the raw text when it is not JSON, or `undefined` when empty. */
  body: unknown;
}

/** A running fake LLM server; see `startFakeLlm`. */
export interface FakeLlm {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** The base URL to give the SDK: anthropic, gemini and ollama → `${url}/<scope>`, openai → `${url}/<scope>/v1`. */
  baseUrl(protocol: FakeProtocol, scope?: string): string;
  /** Queue replies (FIFO) for requests arriving under `/<scope>` (default scope = protocol). */
  script(protocol: FakeProtocol, replies: FakeReply[], scope?: string): void;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Models listed by the listing endpoints (default `["fake-model"]`); without a scope, the default for every scope. */
  setModels(models: string[], scope?: string): void;
  /** Forget queued replies, model lists and recorded requests (base URLs stay valid). */
  reset(): void;
  close(): Promise<void>;
}
