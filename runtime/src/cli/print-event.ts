import { styles } from "./ansi.ts";
import type { Styles } from "./ansi.ts";

/** How far a run's stream got: still going, finished (`done`), or failed (`error`). */
export type RunProgress = "running" | "done" | "error";

/** Where the printer writes, and how. */
export interface TranscriptOptions {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  color: boolean;
  /** One JSON line per event instead of the readable transcript. */
  json: boolean;
}

/** Longest tool input or result line shown; the rest is elided with `…`. */
const MAX_PREVIEW = 200;

type Data = Record<string, unknown>;

function asData(value: unknown): Data {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Data) : {};
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** Cuts `value` to `max` characters, marking the cut with `…`. */
export function truncate(value: string, max: number = MAX_PREVIEW): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

/**
 * Prints a run's SSE events as a readable transcript: text inline as it streams, thinking
 * dimmed, one line per tool call and result, and a closing summary line.
 */
export class TranscriptPrinter {
  /** What the stream reported last: `done` and `error` end the run. */
  progress: RunProgress = "running";
  runId: string | null = null;
  sessionId: string | null = null;
  private readonly options: TranscriptOptions;
  private readonly style: Styles;
  private inline: "text" | "thinking" | null = null;

  constructor(options: TranscriptOptions) {
    this.options = options;
    this.style = styles(options.color);
  }

  /** Handles one SSE event (`event:` name and parsed `data:`) and returns the run's progress. */
  handle(event: string, payload: unknown): RunProgress {
    const data = asData(payload);
    this.track(event, data);
    if (this.options.json) this.options.stdout(`${JSON.stringify("type" in data ? data : { type: event, ...data })}\n`);
    else this.print(event, data);
    return this.progress;
  }

  /** Ends a line left open by streamed text, so what follows starts on its own line. */
  endLine(): void {
    if (this.inline !== null) this.options.stdout("\n");
    this.inline = null;
  }

  private track(event: string, data: Data): void {
    if (event === "session") this.sessionId = text(data["text"]) || this.sessionId;
    if (event === "agent") {
      this.runId = text(data["run_id"]) || this.runId;
      this.sessionId = text(data["session_id"]) || this.sessionId;
    }
    if (event === "done") this.progress = "done";
    if (event === "error") this.progress = "error";
  }

  private print(event: string, data: Data): void {
    switch (event) {
      case "text":
        return this.stream("text", text(data["text"]));
      case "thinking":
        return this.stream("thinking", text(data["text"]));
      case "tool_call":
        return this.line(`→ ${this.toolCall(data)}`);
      case "tool_result":
        return this.line(this.toolResult(data));
      case "done":
        return this.line(this.style.dim(this.summary(data)));
      case "error":
        this.endLine();
        return this.options.stderr(`${this.style.red("✗")} ${text(data["error"]) || "the run failed"}\n`);
      default:
        return this.notice(event, data);
    }
  }

  /** Retries, fallbacks and compactions get one dim line, so the user sees why a run paused or switched. */
  private notice(event: string, data: Data): void {
    const line = noticeText(event, data);
    if (line !== null) this.line(this.style.dim(`· ${line}`));
  }

  private stream(kind: "text" | "thinking", chunk: string): void {
    if (chunk === "") return;
    if (this.inline !== kind) this.endLine();
    const opening = kind === "thinking" && this.inline === null && !this.options.color ? "(thinking) " : "";
    this.options.stdout(kind === "thinking" ? this.style.dim(`${opening}${chunk}`) : chunk);
    this.inline = chunk.endsWith("\n") ? null : kind;
  }

  private line(content: string): void {
    this.endLine();
    this.options.stdout(`${content}\n`);
  }

  private toolCall(data: Data): string {
    const use = asData(data["tool_use"]);
    return `${text(use["name"]) || "?"} ${truncate(JSON.stringify(use["input"] ?? {}))}`;
  }

  private toolResult(data: Data): string {
    const lines = text(data["text"]).split("\n");
    const first = lines.length > 1 ? `${lines[0] ?? ""} …` : (lines[0] ?? "");
    return `← ${data["is_error"] === true ? this.style.red("error") : "ok"}: ${truncate(first)}`;
  }

  private summary(data: Data): string {
    const usage = asData(data["usage"]);
    const tokens = `${String(usage["input_tokens"] ?? 0)} in / ${String(usage["output_tokens"] ?? 0)} out tokens`;
    return `— done: ${text(data["stop_reason"]) || "?"} · ${tokens} · run ${this.runId ?? "?"} · session ${this.sessionId ?? "?"}`;
  }
}

const field = (data: Data, key: string): Data => (data[key] as Data | undefined) ?? {};
const show = (value: unknown): string => (value === undefined || value === null ? "?" : String(value));

/** One line per recovery or compaction event; null for events the transcript does not show. */
const NOTICES: Readonly<Record<string, (data: Data) => string>> = {
  retry: (data) => {
    const retry = field(data, "retry");
    return `retry ${show(retry["provider"])} #${show(retry["attempt"])} in ${show(retry["wait_ms"])} ms (${show(retry["cause_error"])})`;
  },
  provider_fallback: (data) => {
    const fallback = field(data, "fallback");
    return `fallback ${show(fallback["failed_provider"])}/${show(fallback["failed_model"])} → ${show(fallback["new_provider"])}/${show(fallback["new_model"])}`;
  },
  model_downgraded: (data) => show(data["text"]),
  cache_invalidated: (data) => show(data["text"]),
  reasoning_invalidated: (data) => show(data["text"]),
  limit: (data) => `token budget: ${show(field(data, "limit")["message"])}`,
  context_compaction: (data) => {
    const compaction = field(data, "context_compaction");
    return `context compacted: ${show(compaction["before_tokens"])} → ${show(compaction["after_tokens"])} tokens`;
  },
};

function noticeText(event: string, data: Data): string | null {
  return NOTICES[event]?.(data) ?? null;
}
