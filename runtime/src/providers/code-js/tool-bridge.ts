import type { QuickJSHandle, VmCallResult } from "quickjs-emscripten-core";
import type { RecordedCall } from "./code-exchange.ts";
import type { CodeSandbox } from "./code-sandbox.ts";

/** The first tool call of this replay with no recorded result: the turn ends with it. */
export interface PendingCall {
  index: number;
  name: string;
  input: Record<string, unknown>;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Longest input shown in a divergence message. */
const SHOWN_INPUT_CHARS = 200;

/**
 * Binds the agent's granted tools as global functions in the sandbox and answers their calls
 * from the recorded history, in order. A call with a recorded result returns it (or throws it,
 * for an error result); the first call without one becomes `pending` and stops the guest; a
 * call that differs from the record at its position becomes `divergence` and stops the guest.
 */
export class ToolBridge {
  pending: PendingCall | undefined;
  divergence: string | undefined;
  private made = 0;
  private readonly sandbox: CodeSandbox;
  private readonly recorded: readonly RecordedCall[];

  constructor(sandbox: CodeSandbox, recorded: readonly RecordedCall[]) {
    this.sandbox = sandbox;
    this.recorded = recorded;
  }

  /** Tool calls the guest made in this replay. */
  get callsMade(): number {
    return this.made;
  }

  /** Binds each tool: `Name` as a global function, `Group.op` as a function on a global object; other names are skipped. */
  bind(names: readonly string[]): void {
    const context = this.sandbox.context;
    for (const name of names) {
      const path = name.split(".");
      if (!path.every((part) => IDENTIFIER.test(part))) continue;
      const fn = context.newFunction(path.at(-1) ?? name, (argument?: QuickJSHandle) => this.call(name, argument));
      this.install(path, fn);
      fn.dispose();
    }
  }

  private install(path: string[], fn: QuickJSHandle): void {
    const context = this.sandbox.context;
    let owner: QuickJSHandle = context.global.dup();
    for (const part of path.slice(0, -1)) {
      let child = context.getProp(owner, part);
      if (context.typeof(child) !== "object") {
        child.dispose();
        child = context.newObject();
        context.setProp(owner, part, child);
      }
      owner.dispose();
      owner = child;
    }
    context.setProp(owner, path.at(-1) ?? "", fn);
    owner.dispose();
  }

  private call(name: string, argument: QuickJSHandle | undefined): VmCallResult<QuickJSHandle> {
    if (this.pending !== undefined || this.divergence !== undefined) return this.fail("Error", "code-js: this turn is over");
    const input = this.readInput(argument);
    if (input === undefined) return this.fail("TypeError", `${name}(input): input must be a JSON object`);
    const index = this.made++;
    const recorded = this.recorded[index];
    if (recorded !== undefined && !sameCall(recorded, name, input)) {
      this.divergence = `call #${index + 1} is ${describe(name, input)} but the history records ${describe(recorded.name, recorded.input)}`;
      return this.stop();
    }
    if (recorded?.result === undefined) {
      this.pending = { index, name, input };
      return this.stop();
    }
    this.sandbox.advanceClock();
    if (recorded.result.isError) return this.fail("Error", recorded.result.text);
    return { value: this.sandbox.textToGuest(recorded.result.text) };
  }

  private readInput(argument: QuickJSHandle | undefined): Record<string, unknown> | undefined {
    const context = this.sandbox.context;
    if (argument === undefined || context.typeof(argument) === "undefined") return {};
    if (context.typeof(argument) !== "object") return undefined;
    let value: unknown;
    try {
      value = context.dump(argument);
    } catch {
      return undefined;
    }
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  }

  private stop(): VmCallResult<QuickJSHandle> {
    this.sandbox.requestStop();
    return this.fail("Error", "code-js: tool call suspended");
  }

  private fail(name: string, message: string): VmCallResult<QuickJSHandle> {
    return { error: this.sandbox.newError(name, message) };
  }
}

/** Whether a call matches the recorded one: same name, same input up to key order. */
function sameCall(recorded: RecordedCall, name: string, input: Record<string, unknown>): boolean {
  return recorded.name === name && stableJson(recorded.input) === stableJson(input);
}

function describe(name: string, input: Record<string, unknown>): string {
  const json = stableJson(input);
  return `${name}(${json.length > SHOWN_INPUT_CHARS ? `${json.slice(0, SHOWN_INPUT_CHARS)}…` : json})`;
}

/** JSON with object keys sorted, so equal values print equally. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return item;
    return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }) ?? "null";
}
