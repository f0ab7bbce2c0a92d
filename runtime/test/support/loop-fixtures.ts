import type { Message, RunEvent } from "../../src/domain/index.ts";
import type { EventSink, LoopInput } from "../../src/loop/index.ts";
import type { ChatModel, ModelStreamPart } from "../../src/providers/index.ts";
import { MockChatModel } from "../../src/providers/index.ts";
import type { Tool } from "../../src/tools/index.ts";

/** An EventSink that keeps events in an array. */
export class ArraySink implements EventSink {
  readonly events: RunEvent[] = [];
  emit(event: RunEvent): void {
    this.events.push(event);
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  types(): string[] {
    return this.events.map((event) => event.type);
  }
}

/** A user message with one text block. */
export function userText(text: string): Message {
  return { role: "user", content: [{ type: "text", text }] };
}

/** LoopInput defaults around a model; override what a test cares about. */
export function loopInput(overrides: Partial<LoopInput> & { model: ChatModel }): LoopInput & { sink: ArraySink } {
  const sink = (overrides.sink as ArraySink | undefined) ?? new ArraySink();
  return {
    run: { id: "run_1", sessionId: "ses_1", tenantId: "default", agent: "a", agentId: "agt_1", userId: null },
    system: "system",
    history: [userText("hi")],
    tools: [],
    maxIterations: 16,
    iterationsDone: 0,
    maxTokens: 0,
    metadata: {},
    signal: new AbortController().signal,
    limits: { toolParallelism: 8, headerTimeoutMs: 5_000, idleTimeoutMs: 5_000 },
    ...overrides,
    sink,
  };
}

/** The mock-tools model playing `script`. */
export function scripted(script: unknown[]): { model: ChatModel; metadata: Record<string, unknown> } {
  return { model: new MockChatModel("mock-tools", { latencyMs: 0, failRate: 0 }), metadata: { mock_script: script } };
}

/** A tool that records how many of its calls overlap and answers after `ms`. */
export function slowTool(name: string, ms: number): Tool & { peak: number } {
  let active = 0;
  const tool = {
    name,
    description: "waits",
    inputSchema: { type: "object" },
    peak: 0,
    async execute(input: Record<string, unknown>) {
      active++;
      tool.peak = Math.max(tool.peak, active);
      await new Promise((resolve) => setTimeout(resolve, ms));
      active--;
      return { text: `done ${JSON.stringify(input)}`, is_error: false };
    },
  };
  return tool;
}

/** A model whose stream is driven by the test: parts are given with delays before each. */
export function timedModel(parts: { afterMs: number; part: ModelStreamPart }[]): ChatModel {
  return {
    provider: "test",
    modelId: "timed",
    async *stream(_request, options) {
      for (const { afterMs, part } of parts) {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, afterMs);
          options.signal.addEventListener("abort", () => {
            clearTimeout(timer);
            reject(options.signal.reason);
          });
        });
        yield part;
      }
    },
  };
}
