import { AppError } from "../../domain/index.ts";
import type { QuickJSWASMModule } from "quickjs-emscripten-core";
import type { CodeExchange } from "./code-exchange.ts";
import { CodeSandbox } from "./code-sandbox.ts";
import type { GuestError, GuestOutcome, SandboxSettings } from "./code-sandbox.ts";
import { markQuickJsPoisoned } from "./quickjs-engine.ts";
import { ToolBridge } from "./tool-bridge.ts";
import type { PendingCall } from "./tool-bridge.ts";

/** The operator's program: its source, the file name shown in stack traces, and how to sandbox it. */
export interface CodeProgram {
  code: string;
  filename: string;
  settings: SandboxSettings;
}

/** One replay: the exchange so far, the tools granted this call, and the run metadata. */
export interface CodeCall {
  exchange: CodeExchange;
  tools: readonly string[];
  metadata: Readonly<Record<string, unknown>>;
}

/** How a replay ended: `run()` returned its final text, or the turn ends with a tool call. */
export type CodeOutcome = { kind: "final"; text: string } | { kind: "tool-call"; call: PendingCall };

/**
 * Runs `run()` from the top in a fresh sandbox, answering tool calls from the exchange, and
 * disposes the sandbox whatever happens. Failures are AppError PROVIDER_ERROR, not retryable,
 * with messages `code_agent_threw:`, `code_agent_timeout`, `code_agent_out_of_memory:`,
 * `code_agent_replay_divergence:` or `code_agent_bad_result:`.
 */
export function runCodeAgent(module: QuickJSWASMModule, program: CodeProgram, call: CodeCall): CodeOutcome {
  const sandbox = guardHost(() => new CodeSandbox(module, program.settings));
  try {
    return guardHost(() => replay(sandbox, program, call));
  } finally {
    guardHost(() => sandbox.dispose());
  }
}

function replay(sandbox: CodeSandbox, program: CodeProgram, call: CodeCall): CodeOutcome {
  const loaded = sandbox.evaluate(program.code, program.filename);
  if (!loaded.ok) throw guestFailure(sandbox, program, loaded.error);
  const bridge = new ToolBridge(sandbox, call.exchange.calls);
  bridge.bind(call.tools);
  const returned = sandbox.callGlobal("run", { prompt: call.exchange.prompt, metadata: call.metadata });
  if (bridge.divergence !== undefined) throw codeError(`code_agent_replay_divergence: ${bridge.divergence}`);
  if (bridge.pending !== undefined) return { kind: "tool-call", call: bridge.pending };
  if (!returned.ok) throw guestFailure(sandbox, program, returned.error);
  if (bridge.callsMade < call.exchange.calls.length) {
    const recorded = call.exchange.calls.length;
    throw codeError(`code_agent_replay_divergence: run() returned after ${bridge.callsMade} tool calls but the history records ${recorded}`);
  }
  return { kind: "final", text: finalText(returned) };
}

/** The text of a `run()` return value: a string, or `{ final_text: string }`. */
function finalText(returned: Extract<GuestOutcome, { ok: true }>): string {
  const value = returned.value;
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && typeof (value as { final_text?: unknown }).final_text === "string") {
    return (value as { final_text: string }).final_text;
  }
  throw codeError(`code_agent_bad_result: run() must return a string or { final_text: string }, got ${JSON.stringify(value) ?? typeof value}`);
}

function guestFailure(sandbox: CodeSandbox, program: CodeProgram, error: GuestError): AppError {
  if (sandbox.timedOut()) {
    return codeError("code_agent_timeout", { wallClockMs: program.settings.limits.wallClockMs });
  }
  if (error.name === "InternalError" && error.message === "out of memory") {
    const memoryBytes = program.settings.limits.memoryBytes;
    return codeError(`code_agent_out_of_memory: run() exceeded the memory limit of ${memoryBytes} bytes`, { memoryBytes });
  }
  const shown = error.name === "Error" ? error.message : `${error.name}: ${error.message}`;
  return codeError(`code_agent_threw: ${shown}`, { errorName: error.name });
}

function codeError(message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError("PROVIDER_ERROR", message, { retryable: false, details });
}

/** Runs host-side work against the module; a non-AppError thrown out of it poisons the module. */
function guardHost<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof AppError) throw error;
    markQuickJsPoisoned();
    throw new AppError("PROVIDER_ERROR", `code_agent_crashed: ${(error as Error).message}`, { retryable: false, cause: error });
  }
}
