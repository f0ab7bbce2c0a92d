import type { Message, ToolResultBlock } from "../../domain/index.ts";

/** A tool call the agent made in an earlier turn of this exchange, with its result once the loop recorded one. */
export interface RecordedCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
  result?: { text: string; isError: boolean };
}

/**
 * What one code-js call replays: the prompt that started the exchange, the tool calls made since
 * (in order) with their results, and how many tool calls earlier exchanges of the session made
 * (so call ids stay unique across the session).
 */
export interface CodeExchange {
  prompt: string;
  calls: RecordedCall[];
  idOffset: number;
}

/**
 * Reads the current exchange from the conversation: it starts at the last user message that is
 * not only tool results (the run's input; in a one-run session, the first user message), and
 * its tool history is the assistant `tool_use` blocks after it, paired by id with the user
 * `tool_result` blocks.
 */
export function readExchange(messages: readonly Message[]): CodeExchange {
  const start = exchangeStart(messages);
  const prompt = start < 0 ? "" : textOf(messages[start]);
  const results = new Map<string, ToolResultBlock>();
  const calls: RecordedCall[] = [];
  let idOffset = 0;
  for (const [index, message] of messages.entries()) {
    for (const block of message.content) {
      if (block.type === "tool_result") results.set(block.tool_use_id, block);
      if (block.type !== "tool_use") continue;
      if (index < start) idOffset++;
      else calls.push({ id: block.id, name: block.name, input: block.input });
    }
  }
  for (const call of calls) {
    const result = results.get(call.id);
    if (result !== undefined) call.result = { text: result.text, isError: result.is_error };
  }
  return { prompt, calls, idOffset };
}

function exchangeStart(messages: readonly Message[]): number {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.role !== "user") continue;
    if (message.content.some((block) => block.type !== "tool_result")) return index;
  }
  return -1;
}

function textOf(message: Message | undefined): string {
  return (message?.content ?? []).flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
}
