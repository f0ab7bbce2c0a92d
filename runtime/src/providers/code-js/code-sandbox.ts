import { AppError } from "../../domain/index.ts";
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from "quickjs-emscripten-core";
import { HOST_NOW, sandboxPrelude } from "./sandbox-prelude.ts";

/** Resource bounds of one code-js call. */
export interface SandboxLimits {
  memoryBytes: number;
  wallClockMs: number;
  stackBytes: number;
}

/** How a sandbox is set up: its limits, the `Math.random` seed, and the `Date` epoch. */
export interface SandboxSettings {
  limits: SandboxLimits;
  seed: number;
  epochMs: number;
}

/** A value the guest threw, as the host sees it. */
export interface GuestError {
  name: string;
  message: string;
}

/** What a piece of guest code produced: a JSON-like value, or what it threw. */
export type GuestOutcome = { ok: true; value: unknown } | { ok: false; error: GuestError };

type EvalResult = ReturnType<QuickJSContext["evalCode"]>;

/** Milliseconds `Date.now()` moves forward for each answered tool call. */
const CLOCK_TICK_MS = 1_000;

/**
 * One QuickJS runtime + context prepared as the code-js sandbox (see sandbox-prelude.ts), with
 * a memory limit, a stack limit and an interrupt handler for the wall clock. Single use: create
 * it for one model call and dispose it at the end of that call.
 */
export class CodeSandbox {
  readonly context: QuickJSContext;
  private readonly runtime: QuickJSRuntime;
  private readonly deadline: number;
  private readonly epochMs: number;
  private readonly jsonParse: QuickJSHandle;
  private stopRequested = false;
  private clockTicks = 0;

  constructor(module: QuickJSWASMModule, settings: SandboxSettings) {
    this.deadline = Date.now() + settings.limits.wallClockMs;
    this.epochMs = settings.epochMs;
    this.runtime = module.newRuntime({
      memoryLimitBytes: settings.limits.memoryBytes,
      maxStackSizeBytes: settings.limits.stackBytes,
      interruptHandler: () => this.stopRequested || Date.now() > this.deadline,
    });
    this.context = this.runtime.newContext();
    const now = this.context.newFunction(HOST_NOW, () => this.context.newNumber(this.epochMs + this.clockTicks * CLOCK_TICK_MS));
    this.context.setProp(this.context.global, HOST_NOW, now);
    now.dispose();
    const prelude = this.settle(this.context.evalCode(sandboxPrelude(settings.seed), "code-js-prelude.js"));
    if (!prelude.ok) throw new AppError("INTERNAL", `code-js: sandbox prelude failed: ${prelude.error.message}`);
    this.jsonParse = this.context.unwrapResult(this.context.evalCode("JSON.parse"));
  }

  /** Evaluates a global script (the operator's code); its completion value is dropped. */
  evaluate(code: string, filename: string): GuestOutcome {
    const outcome = this.settle(this.context.evalCode(code, filename));
    return outcome.ok ? { ok: true, value: undefined } : outcome;
  }

  /** `typeof <name>` in the global scope (sees `function` declarations and top-level `const`). */
  typeOfGlobal(name: string): string {
    const outcome = this.settle(this.context.evalCode(`typeof ${name}`, "code-js-check.js"));
    return outcome.ok ? String(outcome.value) : "undefined";
  }

  /** Calls the global function `name` with a JSON argument, awaits a returned promise, and dumps the result. */
  callGlobal(name: string, argument: unknown): GuestOutcome {
    const found = this.context.evalCode(name, "code-js-call.js");
    if (found.error) return this.settle(found);
    const input = this.toGuest(argument);
    const called = this.context.callFunction(found.value, this.context.undefined, input);
    input.dispose();
    found.value.dispose();
    if (called.error) return this.settle(called);
    const jobs = this.runtime.executePendingJobs();
    if (jobs.error) jobs.error.dispose();
    return this.settlePromise(called.value);
  }

  /** A tool result for the guest: parsed JSON when the text is JSON, the string otherwise. */
  textToGuest(text: string): QuickJSHandle {
    try {
      JSON.parse(text);
    } catch {
      return this.context.newString(text);
    }
    const parsed = this.context.newString(text).consume((string) => this.context.callFunction(this.jsonParse, this.context.undefined, string));
    return parsed.error ? parsed.error : parsed.value;
  }

  /** A guest error object to throw from a host function. */
  newError(name: string, message: string): QuickJSHandle {
    return this.context.newError({ name, message });
  }

  /** Makes the interrupt handler stop the guest at its next check; the guest cannot catch that. */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** Moves the guest's clock forward one tool call. */
  advanceClock(): void {
    this.clockTicks++;
  }

  /** Whether the wall-clock budget of this call is spent. */
  timedOut(): boolean {
    return Date.now() > this.deadline;
  }

  /** Frees the context and the runtime (and everything the guest allocated). */
  dispose(): void {
    this.jsonParse.dispose();
    this.context.dispose();
    this.runtime.dispose();
  }

  private toGuest(value: unknown): QuickJSHandle {
    const parsed = this.context
      .newString(JSON.stringify(value) ?? "null")
      .consume((string) => this.context.callFunction(this.jsonParse, this.context.undefined, string));
    return this.context.unwrapResult(parsed);
  }

  private settlePromise(handle: QuickJSHandle): GuestOutcome {
    const state = this.context.getPromiseState(handle);
    if (state.type === "fulfilled" && state.notAPromise === true) return this.fromValue(handle);
    handle.dispose();
    if (state.type === "pending") return { ok: false, error: { name: "Error", message: "run() returned a promise that never settled" } };
    return state.type === "fulfilled" ? this.fromValue(state.value) : this.fromError(state.error);
  }

  /** Converts a result to a host value and frees its handle. */
  private settle(result: EvalResult): GuestOutcome {
    return result.error ? this.fromError(result.error) : this.fromValue(result.value);
  }

  private fromValue(handle: QuickJSHandle): GuestOutcome {
    return { ok: true, value: handle.consume((value) => this.context.dump(value) as unknown) };
  }

  private fromError(handle: QuickJSHandle): GuestOutcome {
    return { ok: false, error: toGuestError(handle.consume((value) => this.context.dump(value) as unknown)) };
  }
}

function toGuestError(thrown: unknown): GuestError {
  if (typeof thrown === "object" && thrown !== null && "message" in thrown) {
    const error = thrown as { name?: unknown; message?: unknown };
    return { name: typeof error.name === "string" ? error.name : "Error", message: String(error.message) };
  }
  return { name: "Error", message: typeof thrown === "string" ? thrown : JSON.stringify(thrown) ?? String(thrown) };
}
