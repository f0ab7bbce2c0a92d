import { AppError } from "../../src/domain/index.ts";
import type { ContentBlock, Message } from "../../src/domain/index.ts";
import type { ChatModel, ModelRequest, ModelStreamPart } from "../../src/providers/index.ts";
import type { FakeLlm, FakeProtocol, RecordedRequest } from "../fake-llm/index.ts";

/**
 * Helpers for the provider driver tests: call a ChatModel and collect its parts, rebuild the
 * assistant turn the loop would record, read back what a driver sent to the fake LLM.
 */

/** Two tools, so a turn can call them in parallel. */
export const TOOLS = [
  { name: "Read", description: "reads a file", input_schema: { type: "object", properties: { path: { type: "string" } } } },
  { name: "Now", description: "the time", input_schema: { type: "object", properties: {} } },
];

/** A request for the two tools, with overrides. */
export function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    system: "You are terse.",
    messages: [{ role: "user", content: [{ type: "text", text: "read a and b" }] }],
    tools: TOOLS,
    maxTokens: 0,
    metadata: {},
    ...overrides,
  };
}

/** Every part one model call streams. */
export async function collect(model: ChatModel, modelRequest: ModelRequest, signal = new AbortController().signal): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of model.stream(modelRequest, { signal })) parts.push(part);
  return parts;
}

/** The AppError a model call fails with (fails the test when it succeeds or throws something else). */
export async function failure(model: ChatModel, modelRequest: ModelRequest = request()): Promise<AppError> {
  try {
    await collect(model, modelRequest);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("the call succeeded");
}

/** The assistant turn the parts make, as the loop records it (thinking keeps its signature). */
export function assistantTurn(parts: ModelStreamPart[]): Message {
  const content: ContentBlock[] = [];
  for (const part of parts) {
    if (part.type === "thinking-delta") appendThinking(content, part);
    if (part.type === "text-delta") appendText(content, part.text);
    if (part.type === "tool-call") content.push({ type: "tool_use", id: part.id, name: part.name, input: part.input });
  }
  return { role: "assistant", content };
}

function appendThinking(content: ContentBlock[], part: { text: string; signature?: string }): void {
  const last = content.at(-1);
  const block = last?.type === "thinking" ? last : { type: "thinking" as const, text: "" };
  if (block !== last) content.push(block);
  block.text += part.text;
  if (part.signature) Object.assign(block, { signature: part.signature });
}

function appendText(content: ContentBlock[], text: string): void {
  const last = content.at(-1);
  if (last?.type === "text") last.text += text;
  else content.push({ type: "text", text });
}

/** The tool-call parts, in order. */
export function toolCalls(parts: ModelStreamPart[]): Extract<ModelStreamPart, { type: "tool-call" }>[] {
  return parts.filter((part): part is Extract<ModelStreamPart, { type: "tool-call" }> => part.type === "tool-call");
}

/** The joined text (or thinking) deltas. */
export function text(parts: ModelStreamPart[], type: "text-delta" | "thinking-delta" = "text-delta"): string {
  return parts.map((part) => (part.type === type ? part.text : "")).join("");
}

/** The last part, which must be `finish`. */
export function finish(parts: ModelStreamPart[]): Extract<ModelStreamPart, { type: "finish" }> {
  const last = parts.at(-1);
  if (last?.type !== "finish") throw new Error("no finish part");
  return last;
}

/** The POST requests the fake received under one scope, in order. */
export function generations(fake: FakeLlm, scope: string): RecordedRequest[] {
  return fake.requests.filter((recorded) => recorded.scope === scope && recorded.method === "POST");
}

/** A recorded request body as a record. */
export function body(recorded: RecordedRequest | undefined): Record<string, unknown> {
  return (recorded?.body ?? {}) as Record<string, unknown>;
}

/** Runs a tool round trip: turn 1 calls Read twice in parallel (after thinking), turn 2 answers. */
export async function toolRoundTrip(options: { fake: FakeLlm; model: ChatModel; protocol: FakeProtocol; scope: string }): Promise<{ first: ModelStreamPart[]; second: ModelStreamPart[] }> {
  options.fake.script(
    options.protocol,
    [
      { thinking: "Two files, read both.", text: "Reading.", toolCalls: [{ name: "Read", input: { path: "a" } }, { name: "Read", input: { path: "b" } }] },
      { text: "Both read." },
    ],
    options.scope,
  );
  const first = await collect(options.model, request());
  const [a, b] = toolCalls(first);
  const results: Message = {
    role: "user",
    content: [
      { type: "tool_result", tool_use_id: a?.id ?? "", text: "contents of a", is_error: false },
      { type: "tool_result", tool_use_id: b?.id ?? "", text: "no such file", is_error: true },
    ],
  };
  const second = await collect(options.model, request({ messages: [...request().messages, assistantTurn(first), results] }));
  return { first, second };
}
