import { AppError, messageText, sleep } from "../../domain/index.ts";
import type { Message, Usage } from "../../domain/index.ts";
import type { ChatModel, ModelCallOptions, ModelRequest, ModelStreamPart } from "../chat-model.ts";
import { parseMockScript, stepToolCalls } from "./mock-script.ts";
import type { MockStep } from "./mock-script.ts";

/** Deterministic models that need no key: `mock-echo` echoes, `mock-tools` plays a script. */
export const MOCK_MODELS = ["mock-echo", "mock-tools"] as const;

/** Context window the mock reports unless `metadata.mock_context_tokens` sets a smaller one (compaction tests). */
const MOCK_CONTEXT_TOKENS = 200_000;
/** How a mock summary records the assistant turns it replaced, so a script keeps its place. */
const TURNS_MARK = /\(mock turns: (\d+)\)/g;
/** Rough chars-per-token ratio used to derive usage from text length. */
const CHARS_PER_TOKEN = 4;

export interface MockOptions {
  /** Delay before the first part of every call (load and crash tests). */
  latencyMs: number;
  /** Fraction of calls that fail with a retryable provider error. */
  failRate: number;
  random?: () => number;
}

/** The mock provider's model: streams deterministic parts; latency and failures come from options. */
export class MockChatModel implements ChatModel {
  readonly provider = "mock";
  readonly modelId: string;
  private readonly options: MockOptions;

  constructor(modelId: string, options: MockOptions) {
    this.modelId = modelId;
    this.options = options;
  }

  async *stream(request: ModelRequest, options: ModelCallOptions): AsyncIterable<ModelStreamPart> {
    await sleep(this.options.latencyMs, options.signal);
    if ((this.options.random ?? Math.random)() < this.options.failRate) {
      throw new AppError("PROVIDER_ERROR", "mock: injected failure (LOOMCYCLE_MOCK_FAIL_RATE)", { retryable: true });
    }
    const step = pickStep(this.modelId, request);
    await sleep(step.delay_ms ?? 0, options.signal);
    yield* textParts(step.text ?? "");
    const calls = stepToolCalls(step);
    const turn = assistantTurns(request.messages);
    for (const [index, call] of calls.entries()) {
      yield { type: "tool-call", id: `mock-${turn}-${index}`, name: call.tool, input: call.input };
    }
    yield { type: "finish", stopReason: calls.length > 0 ? "tool_use" : "end_turn", usage: this.usage(request, step) };
  }

  private usage(request: ModelRequest, step: MockStep): Usage {
    const inputChars = request.system.length + request.messages.reduce((sum, m) => sum + JSON.stringify(m.content).length, 0);
    const outputChars = (step.text ?? "").length + JSON.stringify(stepToolCalls(step)).length;
    return {
      input_tokens: Math.ceil(inputChars / CHARS_PER_TOKEN),
      output_tokens: Math.ceil(outputChars / CHARS_PER_TOKEN),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      model: this.modelId,
      provider: this.provider,
      max_context_tokens: contextTokens(request),
    };
  }
}

/** A summary request (`metadata.loomcycle_summary`) gets a mock summary; otherwise echo or the script. */
function pickStep(modelId: string, request: ModelRequest): MockStep {
  if (request.metadata["loomcycle_summary"] === true) return { text: mockSummary(request.messages) };
  return modelId === "mock-tools" ? scriptStep(request) : { text: `You said: ${lastUserText(request.messages)}` };
}

/** "mock summary … (mock turns: N)": N counts the assistant turns summarized, earlier summaries included. */
function mockSummary(messages: readonly Message[]): string {
  const rendered = messages.map(messageText).join("\n");
  const turns = (rendered.match(/^\[assistant\]/gm) ?? []).length + summarizedTurns(rendered);
  return `mock summary of ${rendered.length} characters (mock turns: ${turns})`;
}

function summarizedTurns(text: string): number {
  return [...text.matchAll(TURNS_MARK)].reduce((sum, match) => sum + Number(match[1]), 0);
}

function contextTokens(request: ModelRequest): number {
  const value = request.metadata["mock_context_tokens"];
  return typeof value === "number" && value > 0 ? value : MOCK_CONTEXT_TOKENS;
}

/** The step for this call: the script from run metadata (or agent), indexed by assistant turns so far. */
function scriptStep(request: ModelRequest): MockStep {
  const raw = request.metadata["mock_script"];
  if (raw === undefined) {
    throw new AppError("PROVIDER_ERROR", "mock-tools: no script; pass metadata.mock_script or set mock_script on the agent");
  }
  let script: MockStep[];
  try {
    script = parseMockScript(raw);
  } catch (error) {
    throw new AppError("PROVIDER_ERROR", `mock-tools: ${(error as Error).message}`, { cause: error });
  }
  const turn = assistantTurns(request.messages);
  return script[turn] ?? { text: "(mock script finished)" };
}

/** Assistant turns so far, counting those a compaction summary replaced. */
function assistantTurns(messages: readonly Message[]): number {
  const summarized = messages.filter((message) => message.role === "user").reduce((sum, message) => sum + summarizedTurns(messageText(message)), 0);
  return summarized + messages.filter((message) => message.role === "assistant").length;
}

function lastUserText(messages: readonly Message[]): string {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.role === "user" && messageText(message) !== "") return messageText(message);
  }
  return "";
}

/** Splits text into word-sized deltas so streaming is visible. */
function* textParts(text: string): Iterable<ModelStreamPart> {
  for (const piece of text.match(/\S+\s*|\s+/g) ?? []) yield { type: "text-delta", text: piece };
}
