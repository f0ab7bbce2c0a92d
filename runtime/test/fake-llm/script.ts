import type { FakeReply, FakeStopReason, FakeToolCall, FakeUsage } from "./types.ts";

/** What an empty queue answers, so a test that scripts nothing still gets a well-formed reply. */
export const DEFAULT_REPLY: FakeReply = { text: "ok", usage: { input: 10, output: 2 } };

/** Usage reported when a scripted reply states none (same as the default reply's). */
const DEFAULT_USAGE: FakeUsage = { input: 10, output: 2 };

/** The model list every scope reports until `setModels` changes it. */
const DEFAULT_MODELS = ["fake-model"];

/** Number of pieces a tool call's JSON arguments are streamed in, so drivers must join partial JSON. */
const JSON_PIECES = 3;

/** A scripted reply with its defaults filled in, ready for a protocol to encode. */
export interface ResolvedReply {
  /** 1-based number of this generated response on the server; ids and signatures derive from it. */
  sequence: number;
  model: string;
  textChunks: string[];
  thinkingChunks: string[];
  toolCalls: FakeToolCall[];
  usage: FakeUsage;
  stopReason: FakeStopReason;
}

/** Splits text into chunks on word boundaries; the chunks concatenate back to the text exactly. */
export function splitWords(text: string | undefined): string[] {
  if (text === undefined || text === "") return [];
  return text.split(/(?<=\s)(?=\S)/);
}

/** Splits a value's JSON text into a few pieces, as vendors stream tool arguments. */
export function splitJson(value: unknown): string[] {
  const json = JSON.stringify(value);
  const size = Math.max(1, Math.ceil(json.length / JSON_PIECES));
  const pieces: string[] = [];
  for (let start = 0; start < json.length; start += size) pieces.push(json.slice(start, start + size));
  return pieces;
}

/** Fills in a reply's defaults: `tool_use` when it calls tools, else `end_turn`; the default usage. */
export function resolveReply(reply: FakeReply, context: { sequence: number; model: string }): ResolvedReply {
  const toolCalls = reply.toolCalls ?? [];
  return {
    sequence: context.sequence,
    model: context.model,
    textChunks: splitWords(reply.text),
    thinkingChunks: splitWords(reply.thinking),
    toolCalls,
    usage: reply.usage ?? DEFAULT_USAGE,
    stopReason: reply.stopReason ?? (toolCalls.length > 0 ? "tool_use" : "end_turn"),
  };
}

/** The scripted id of a tool call, or a generated one in the protocol's style (`toolu_…`, `call_…`). */
export function toolCallId(options: { call: FakeToolCall; prefix: string; sequence: number; index: number }): string {
  return options.call.id ?? `${options.prefix}fake${options.sequence}x${options.index}`;
}

/** Per-scope FIFO reply queues and model lists: the state a test scripts. */
export class ScriptBook {
  readonly #queues = new Map<string, FakeReply[]>();
  readonly #models = new Map<string, string[]>();
  #defaultModels: string[] = DEFAULT_MODELS;

  /** Appends replies to a scope's queue. */
  enqueue(scope: string, replies: FakeReply[]): void {
    const queue = this.#queues.get(scope) ?? [];
    queue.push(...replies);
    this.#queues.set(scope, queue);
  }

  /** Takes the next reply for a scope, or the default reply when its queue is empty. */
  take(scope: string): FakeReply {
    return this.#queues.get(scope)?.shift() ?? DEFAULT_REPLY;
  }

  /** Sets the model list of one scope, or the default list when no scope is given. */
  setModels(models: string[], scope?: string): void {
    if (scope === undefined) this.#defaultModels = [...models];
    else this.#models.set(scope, [...models]);
  }

  /** The models a scope lists. */
  models(scope: string): string[] {
    return this.#models.get(scope) ?? this.#defaultModels;
  }

  /** Forgets every queue and model list. */
  clear(): void {
    this.#queues.clear();
    this.#models.clear();
    this.#defaultModels = DEFAULT_MODELS;
  }
}
