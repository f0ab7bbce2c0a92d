import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { AppError } from "../../src/domain/index.ts";
import type { Message } from "../../src/domain/index.ts";
import type { ChatModel, ModelRequest, ModelStreamPart } from "../../src/providers/chat-model.ts";

/** Helpers for driver tests: drain a ChatModel stream, catch its AppError, read parts back. */

/** Drains a model stream into an array of parts. */
export async function collect(model: ChatModel, modelRequest: ModelRequest, signal = new AbortController().signal): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of model.stream(modelRequest, { signal })) parts.push(part);
  return parts;
}

/** Runs a call that must fail and returns its AppError. */
export async function failure(model: ChatModel, modelRequest: ModelRequest): Promise<AppError> {
  try {
    await collect(model, modelRequest);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("the call did not fail");
}

/** A URL on a port that just stopped listening, so connecting is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The concatenated text of one kind of delta. */
export function text(parts: ModelStreamPart[], type: "text-delta" | "thinking-delta"): string {
  return parts.map((part) => (part.type === type ? part.text : "")).join("");
}

/** The closing `finish` part (throws when the stream did not end with one). */
export function finish(parts: ModelStreamPart[]): Extract<ModelStreamPart, { type: "finish" }> {
  const last = parts.at(-1);
  if (last?.type !== "finish") throw new Error("no finish part");
  return last;
}

/** The tool-call parts, in order. */
export function toolCalls(parts: ModelStreamPart[]): Extract<ModelStreamPart, { type: "tool-call" }>[] {
  return parts.filter((part): part is Extract<ModelStreamPart, { type: "tool-call" }> => part.type === "tool-call");
}

/** The assistant turn the loop would record from these parts, followed by the tools' results. */
export function roundTrip(parts: ModelStreamPart[]): Message[] {
  const calls = toolCalls(parts);
  return [
    { role: "assistant", content: calls.map((call) => ({ type: "tool_use", id: call.id, name: call.name, input: call.input })) },
    { role: "user", content: calls.map((call) => ({ type: "tool_result", tool_use_id: call.id, text: `${call.name} says ok`, is_error: false })) },
  ];
}
