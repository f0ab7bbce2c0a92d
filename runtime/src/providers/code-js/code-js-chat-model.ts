import { createHash } from "node:crypto";
import { AppError } from "../../domain/index.ts";
import type { Usage } from "../../domain/index.ts";
import type { ChatModel, ModelCallOptions, ModelCapabilities, ModelRequest, ModelStreamPart } from "../chat-model.ts";
import { readExchange } from "./code-exchange.ts";
import { CodeSandbox } from "./code-sandbox.ts";
import type { SandboxLimits } from "./code-sandbox.ts";
import { healthyQuickJsModule, quickJsModule } from "./quickjs-engine.ts";
import { runCodeAgent } from "./run-code-agent.ts";
import type { CodeProgram } from "./run-code-agent.ts";

/** Resource bounds of each call; absent fields take the defaults below. */
export interface CodeJsLimits {
  /** QuickJS heap limit per call (default 32 MiB). */
  memoryBytes?: number;
  /** Wall-clock budget per call (default 5 s); the guest is interrupted past it. */
  wallClockMs?: number;
  /** QuickJS stack limit (default and maximum 256 KiB: more overflows the host stack first). */
  stackBytes?: number;
}

/** Options of {@link createCodeJsChatModel}. */
export interface CodeJsOptions {
  /** Provider name reported in usage (default "code-js"). */
  provider?: string;
  /** The agent's name; informational, reported as the model id. */
  model: string;
  /** Operator JavaScript with a top-level `function run(input)`. */
  code: string;
  limits?: CodeJsLimits;
  /** `Math.random` seed (default: derived from a hash of the code). */
  seed?: number;
}

/** Defaults of {@link CodeJsLimits}. */
export const CODE_JS_DEFAULT_LIMITS: Readonly<Required<CodeJsLimits>> = Object.freeze({
  memoryBytes: 32 * 1024 * 1024,
  wallClockMs: 5_000,
  stackBytes: 256 * 1024,
});

/** What `Date.now()` returns before the first tool call: 2025-01-01T00:00:00Z. */
export const CODE_JS_EPOCH_MS = Date.UTC(2025, 0, 1);

const CAPABILITIES: ModelCapabilities = Object.freeze({
  vision: false,
  thinking: false,
  promptCache: false,
  parallelToolCalls: false,
  maxContextTokens: 0,
});

/**
 * "Code is an agent": operator JavaScript served as a ChatModel, zero tokens. Each call runs
 * `run()` from the top in a fresh QuickJS sandbox and replays earlier tool calls from the
 * conversation; the first call without a recorded result ends the turn (`tool_use`), and the
 * value `run()` returns ends the run (`end_turn`). Stateless, so any process can take the next
 * call. Execution is synchronous inside the call (bounded by `limits.wallClockMs`).
 */
export class CodeJsChatModel implements ChatModel {
  readonly provider: string;
  readonly modelId: string;
  readonly capabilities: ModelCapabilities = CAPABILITIES;
  private readonly program: CodeProgram;

  constructor(options: CodeJsOptions) {
    this.provider = options.provider ?? "code-js";
    this.modelId = options.model;
    const limits = resolveLimits(options.limits);
    const seed = options.seed ?? seedFromCode(options.code);
    this.program = { code: options.code, filename: `${options.model}.js`, settings: { limits, seed, epochMs: CODE_JS_EPOCH_MS } };
    checkProgram(this.program);
  }

  /** Replays `run()` against the conversation and yields either one tool call or the final text, then `finish`. */
  async *stream(request: ModelRequest, options: ModelCallOptions): AsyncIterable<ModelStreamPart> {
    options.signal.throwIfAborted();
    const module = await healthyQuickJsModule();
    options.signal.throwIfAborted();
    const exchange = readExchange(request.messages);
    const call = { exchange, tools: request.tools.map((tool) => tool.name), metadata: request.metadata };
    const outcome = runCodeAgent(module, this.program, call);
    if (outcome.kind === "tool-call") {
      const { index, name, input } = outcome.call;
      yield { type: "tool-call", id: `cjs-${exchange.idOffset + index}`, name, input };
      yield { type: "finish", stopReason: "tool_use", usage: this.usage() };
      return;
    }
    if (outcome.text !== "") yield { type: "text-delta", text: outcome.text };
    yield { type: "finish", stopReason: "end_turn", usage: this.usage() };
  }

  private usage(): Usage {
    return {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      model: this.modelId,
      provider: this.provider,
      max_context_tokens: 0,
    };
  }
}

/**
 * Builds a code-js model. The code is compiled and its top level evaluated once, here, so a
 * syntax error, a throwing top level or a missing `function run(input)` is refused at start-up
 * (AppError INVALID_ARGUMENT, `details.field` = "code"). Tools are bound only while `run()` runs.
 */
export function createCodeJsChatModel(options: CodeJsOptions): ChatModel {
  return new CodeJsChatModel(options);
}

function resolveLimits(limits: CodeJsLimits = {}): SandboxLimits {
  const resolved = { ...CODE_JS_DEFAULT_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new AppError("INVALID_ARGUMENT", `code-js: limits.${name} must be a positive integer`, { details: { field: `limits.${name}` } });
    }
  }
  return { ...resolved, stackBytes: Math.min(resolved.stackBytes, CODE_JS_DEFAULT_LIMITS.stackBytes) };
}

function seedFromCode(code: string): number {
  return createHash("sha256").update(code).digest().readUInt32BE(0);
}

/** Evaluates the program's top level in a sandbox without tools and checks it defines `run`. */
function checkProgram(program: CodeProgram): void {
  const sandbox = new CodeSandbox(quickJsModule(), program.settings);
  try {
    const loaded = sandbox.evaluate(program.code, program.filename);
    if (!loaded.ok) throw invalidCode(`${loaded.error.name}: ${loaded.error.message}`);
    const kind = sandbox.typeOfGlobal("run");
    if (kind !== "function") throw invalidCode(`the code must define a top-level \`function run(input)\` (run is ${kind})`);
  } finally {
    sandbox.dispose();
  }
}

function invalidCode(problem: string): AppError {
  return new AppError("INVALID_ARGUMENT", `code-js: ${problem}`, { details: { field: "code" } });
}
