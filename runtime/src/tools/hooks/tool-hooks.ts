import type { Hook, HookPhase } from "../../domain/index.ts";
import type { ToolResult } from "../tool.ts";

/**
 * The hook ports. The loop sees `ToolHooks` only (one per run); the service selects the
 * registrations that apply; main.ts builds the `HookRunner` over the SSRF-safe dialer.
 */

/** A tool call as hooks see it. */
export interface HookedCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** What the pre hooks decided: run the tool (with this input, maybe rewritten), or answer for it. */
export type PreHookOutcome = { kind: "run"; input: Record<string, unknown> } | { kind: "refuse"; result: ToolResult };

/** The loop's port: the hook chain around every tool call of one run. Never throws. */
export interface ToolHooks {
  /** Runs the matching pre hooks in order; a deny or a failed fail-closed hook stops the chain. */
  before(call: HookedCall, signal: AbortSignal): Promise<PreHookOutcome>;
  /** Runs the matching post hooks in order, each seeing the previous one's result. */
  after(call: HookedCall, result: ToolResult, signal: AbortSignal): Promise<ToolResult>;
}

/** The callback body (loomcycle §9.8). It never carries the run's credentials. */
export interface HookPayload {
  phase: HookPhase;
  owner: string;
  hook_name: string;
  agent: string;
  user_id: string | null;
  agent_id: string;
  tool_call: HookedCall;
  tool_result?: ToolResult;
}

/** Posts a payload to a hook's callback and returns its JSON answer (null for an empty body); throws on any failure. */
export type HookCaller = (hook: Hook, payload: HookPayload, signal: AbortSignal) => Promise<unknown>;

/** The hooks of one phase that apply to a tool, in registration order. */
export type HookSelector = (phase: HookPhase, tool: string) => Promise<readonly Hook[]>;

/** Who a run is, as its hook payloads name it. */
export interface HookRunIdentity {
  agent: string;
  userId: string | null;
  agentId: string;
}

/** What a run's hook chain is built from. */
export interface RunHooksOptions {
  select: HookSelector;
  run: HookRunIdentity;
  /** Secret values of the run, masked out of every payload. */
  secretValues: readonly string[];
}

/** Builds hook chains for runs and vets callback URLs at registration. */
export interface HookRunner {
  forRun(options: RunHooksOptions): ToolHooks;
  /** Why a callback URL is refused at registration (scheme, a literal private address the operator did not allow), or null. */
  checkCallbackUrl(url: string): string | null;
}
