import { maskSecrets } from "../../domain/index.ts";
import type { Hook, HookPhase } from "../../domain/index.ts";
import type { ToolResult } from "../tool.ts";
import { parsePostAnswer, parsePreAnswer } from "./parse-hook-answer.ts";
import type { HookCaller, HookedCall, HookPayload, PreHookOutcome, RunHooksOptions, ToolHooks } from "./tool-hooks.ts";

/** A hook's answer, or why there is none (error, timeout, refused callback). */
type Answer = { ok: true; value: unknown } | { ok: false; reason: string };

function label(hook: Hook): string {
  return `${hook.owner}/${hook.name}`;
}

/** The result a fail-closed hook leaves when it fails: the tool call fails and says why. */
function failedClosed(hook: Hook, reason: string): ToolResult {
  const what = hook.phase === "pre" ? "the tool was not run" : "the tool ran but its result is withheld";
  return { text: `${hook.phase} hook ${label(hook)} failed (${reason}); its fail_mode is closed, so ${what}`, is_error: true };
}

/** A copy of a value with every secret masked (payloads never carry the run's credentials). */
function masked<T>(value: T, secretValues: readonly string[]): T {
  if (secretValues.length === 0) return value;
  return JSON.parse(maskSecrets(JSON.stringify(value), secretValues)) as T;
}

class HookChain implements ToolHooks {
  private readonly options: RunHooksOptions;
  private readonly call: HookCaller;

  constructor(options: RunHooksOptions, call: HookCaller) {
    this.options = options;
    this.call = call;
  }

  async before(call: HookedCall, signal: AbortSignal): Promise<PreHookOutcome> {
    let input = call.input;
    const hooks = await this.hooks("pre", call.name);
    if (!Array.isArray(hooks)) return { kind: "refuse", result: hooks as ToolResult };
    for (const hook of hooks as readonly Hook[]) {
      const answer = await this.ask(hook, { ...call, input }, { signal });
      const decision = answer.ok ? parsePreAnswer(answer.value) : { kind: "invalid" as const, reason: answer.reason };
      if (decision.kind === "invalid") {
        if (hook.fail_mode === "closed") return { kind: "refuse", result: failedClosed(hook, decision.reason) };
        continue;
      }
      if (decision.kind === "deny") return { kind: "refuse", result: { text: decision.text || `denied by hook ${label(hook)}`, is_error: true } };
      if (decision.kind === "modify") input = decision.input;
    }
    return { kind: "run", input };
  }

  async after(call: HookedCall, result: ToolResult, signal: AbortSignal): Promise<ToolResult> {
    let current = result;
    const hooks = await this.hooks("post", call.name);
    if (!Array.isArray(hooks)) return hooks as ToolResult;
    for (const hook of hooks as readonly Hook[]) {
      const answer = await this.ask(hook, call, { signal, result: current });
      const decision = answer.ok ? parsePostAnswer(answer.value) : { kind: "invalid" as const, reason: answer.reason };
      if (decision.kind === "invalid") {
        if (hook.fail_mode === "closed") return failedClosed(hook, decision.reason);
        continue;
      }
      if (decision.kind === "replace") current = decision.result;
    }
    return current;
  }

  /**
   * The hooks that apply, or an error result when they cannot be read: a fail-closed hook might
   * be among them, so the call must not go ahead unchecked.
   */
  private async hooks(phase: HookPhase, tool: string): Promise<readonly Hook[] | ToolResult> {
    try {
      return await this.options.select(phase, tool);
    } catch (error) {
      return { text: `the ${phase} tool hooks could not be read (${(error as Error).message}); the call was stopped, try again`, is_error: true };
    }
  }

  private async ask(hook: Hook, call: HookedCall, extra: { signal: AbortSignal; result?: ToolResult }): Promise<Answer> {
    const { run, secretValues } = this.options;
    const payload: HookPayload = {
      phase: hook.phase,
      owner: hook.owner,
      hook_name: hook.name,
      agent: run.agent,
      user_id: run.userId,
      agent_id: run.agentId,
      tool_call: masked(call, secretValues),
      ...(extra.result ? { tool_result: masked(extra.result, secretValues) } : {}),
    };
    try {
      return { ok: true, value: await this.call(hook, payload, extra.signal) };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** The hook chain of one run over a caller (the HTTP callback, or a fake in tests). */
export function createToolHooks(options: RunHooksOptions, call: HookCaller): ToolHooks {
  return new HookChain(options, call);
}
