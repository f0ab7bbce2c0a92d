import type { ContentBlock, ContextCompaction, Message, RunEvent, StoredEvent, ToolUse } from "../domain/index.ts";
import { messageText, segmentsToMessage } from "../domain/index.ts";
import { appendDelta } from "./append-delta.ts";
import { appendUserText } from "./user-turns.ts";
import { applyCompaction } from "./compaction.ts";

/** A conversation rebuilt from stored events. */
export interface ReplayedTranscript {
  messages: Message[];
  /** Completed model calls per run id (each closed by a `usage` event). */
  iterations: Map<string, number>;
  /** For the `openRun` being resumed: its last turn's tool calls that have no stored result. */
  pendingToolCalls: ToolUse[];
  /** For the `openRun`: it had ended its turn and was waiting for input (its last word is `awaiting_input` or `turn_cancelled`). */
  awaitingInput: boolean;
  /** Ids of the steered inputs the transcript holds (each is taken once). */
  inputIds: Set<string>;
}

/**
 * Rebuilds the conversation from a transcript: user inputs, each model turn closed by its
 * `usage` event, and tool results. An unclosed model turn (the process stopped mid-call) is
 * dropped, and a tool call without a result gets an error result, so the history stays valid.
 * A `context_compaction` event resets the conversation to its summary plus the kept messages.
 * A steered `user_input` (source `steer`) is a user turn mid-run, merged into a user message
 * before it exactly as the live loop appends it.
 */
export function replayTranscript(events: readonly StoredEvent[], options: { openRun?: string } = {}): ReplayedTranscript {
  const state = new ReplayState();
  for (const stored of events) state.apply(stored.run_id, stored.event);
  if (options.openRun !== undefined && state.isCurrent(options.openRun)) {
    const awaitingInput = state.awaitingInput;
    return { messages: state.messages, iterations: state.iterations, pendingToolCalls: state.endOpenRun(), awaitingInput, inputIds: state.inputIds };
  }
  state.closeRun();
  return { messages: state.messages, iterations: state.iterations, pendingToolCalls: [], awaitingInput: false, inputIds: state.inputIds };
}

/** Events after which an interactive run waits for input, and those that show it is in a turn. */
const WAITING = new Set<RunEvent["type"]>(["awaiting_input", "turn_cancelled"]);
const IN_TURN = new Set<RunEvent["type"]>(["user_input", "text", "thinking", "tool_call", "tool_result", "usage"]);

class ReplayState {
  readonly messages: Message[] = [];
  readonly iterations = new Map<string, number>();
  readonly inputIds = new Set<string>();
  awaitingInput = false;
  private pendingAssistant: ContentBlock[] = [];
  private currentRun = "";

  apply(runId: string, event: RunEvent): void {
    this.enterRun(runId);
    this.trackTurns(event);
    switch (event.type) {
      case "user_input":
        this.addUserInput(event);
        return;
      case "text":
        appendDelta(this.pendingAssistant, { kind: "text", text: event.text });
        return;
      case "thinking":
        appendDelta(this.pendingAssistant, { kind: "thinking", text: event.text, signature: event.signature });
        return;
      case "tool_call":
        this.pendingAssistant.push({ type: "tool_use", ...event.tool_use });
        return;
      case "usage":
        this.closeTurn();
        return;
      case "retry":
      case "provider_fallback":
        // The attempt that failed streamed output the model never finished: it is void.
        this.pendingAssistant = [];
        return;
      case "context_compaction":
        this.compact(event.context_compaction);
        return;
      case "tool_result":
        this.addToolResult({ type: "tool_result", tool_use_id: event.tool_use.id, text: event.text, is_error: event.is_error });
        return;
      default:
        return;
    }
  }

  private enterRun(runId: string): void {
    if (runId === this.currentRun) return;
    this.closeRun();
    this.currentRun = runId;
    this.awaitingInput = false;
  }

  /**
   * Interactive turns: after `awaiting_input` or `turn_cancelled` the run waits for input until
   * it is in a turn again; a cancelled turn's unfinished model output is void.
   */
  private trackTurns(event: RunEvent): void {
    if (event.type === "turn_cancelled") this.pendingAssistant = [];
    if (WAITING.has(event.type)) this.awaitingInput = true;
    else if (IN_TURN.has(event.type)) this.awaitingInput = false;
  }

  /** A run's input; a steered one is a user turn merged into a user message before it, as the live loop does. */
  private addUserInput(event: Extract<RunEvent, { type: "user_input" }>): void {
    if (event.source !== "steer") {
      this.messages.push(segmentsToMessage(event.segments));
      return;
    }
    if (event.input_id !== undefined) this.inputIds.add(event.input_id);
    // A steer arrives after the model's last complete call: output of a call it interrupted is void.
    this.pendingAssistant = [];
    const text = messageText(segmentsToMessage(event.segments));
    appendUserText(this.messages, text);
  }

  /**
   * A compaction: the same cut the live loop made (first message kept when `keep_first`, the
   * last `keep_n` kept, one summary message between). The events before it stay in the store.
   */
  private compact(compaction: ContextCompaction): void {
    this.pendingAssistant = [];
    const compacted = applyCompaction(this.messages, { keepFirst: compaction.keep_first, keepN: compaction.keep_n, summary: compaction.summary });
    this.messages.splice(0, this.messages.length, ...compacted);
  }

  /** A finished model call: its content becomes an assistant message. */
  private closeTurn(): void {
    if (this.pendingAssistant.length > 0) this.messages.push({ role: "assistant", content: this.pendingAssistant });
    this.pendingAssistant = [];
    this.iterations.set(this.currentRun, (this.iterations.get(this.currentRun) ?? 0) + 1);
  }

  private addToolResult(block: Extract<ContentBlock, { type: "tool_result" }>): void {
    const last = this.messages.at(-1);
    if (last?.role === "user" && last.content.every((item) => item.type === "tool_result")) last.content.push(block);
    else this.messages.push({ role: "user", content: [block] });
  }

  isCurrent(runId: string): boolean {
    return this.currentRun === runId;
  }

  /** End of a run that resumes: drop its unclosed model turn, and return the tool calls still owed a result. */
  endOpenRun(): ToolUse[] {
    this.pendingAssistant = [];
    const last = this.messages.at(-1);
    const resultsMessage = last?.role === "user" && last.content.every((block) => block.type === "tool_result") ? last : undefined;
    const assistant = resultsMessage === undefined ? last : this.messages.at(-2);
    if (assistant?.role !== "assistant") return [];
    const answered = new Set(resultsMessage?.content.flatMap((block) => (block.type === "tool_result" ? [block.tool_use_id] : [])) ?? []);
    return assistant.content.flatMap((block) => (block.type === "tool_use" && !answered.has(block.id) ? [{ id: block.id, name: block.name, input: block.input }] : []));
  }

  /** End of a run's events: drop an unclosed turn, answer tool calls left without a result. */
  closeRun(): void {
    this.pendingAssistant = [];
    const last = this.messages.at(-1);
    if (last?.role !== "assistant") {
      const previous = this.messages.at(-2);
      if (previous?.role === "assistant" && last !== undefined) fillMissingResults(previous, last);
      return;
    }
    const missing = last.content.filter((block) => block.type === "tool_use");
    if (missing.length > 0) this.messages.push({ role: "user", content: [] });
    const results = this.messages.at(-1);
    if (results !== undefined && results !== last) fillMissingResults(last, results);
  }
}

function fillMissingResults(assistant: Message, results: Message): void {
  const answered = new Set(results.content.flatMap((block) => (block.type === "tool_result" ? [block.tool_use_id] : [])));
  for (const block of assistant.content) {
    if (block.type !== "tool_use" || answered.has(block.id)) continue;
    results.content.push({ type: "tool_result", tool_use_id: block.id, text: "the run stopped before this tool returned", is_error: true });
  }
}

