import { resolveCompaction } from "../domain/index.ts";
import type { CompactionTrigger, Message, Usage } from "../domain/index.ts";
import { estimateTokens } from "./compaction.ts";
import { compactContext } from "./compact-context.ts";
import type { LoopInput } from "./types.ts";

/** What the loop carries between iterations for compaction. */
export interface CompactionState {
  messages: Message[];
  /** Usage of the previous model call of this execution; null before the first. */
  lastUsage: Usage | null;
  /** Set by Context op=compact; honoured at the next iteration boundary. */
  requested: boolean;
}

/**
 * At the top of an iteration: compacts the conversation when the model asked for it (self) or
 * the previous call used `autocompact_at_pct` of the window (auto), emitting `context_compaction`
 * and replacing `state.messages`. The transcript keeps every event; replay cuts the same place.
 */
export async function compactIfDue(input: LoopInput, state: CompactionState): Promise<void> {
  const window = windowTokens(input, state);
  const trigger = dueTrigger({ input, state, window });
  if (trigger === null) return;
  state.requested = false;
  const model = input.route?.current() ?? input.model;
  const result = await compactContext({
    messages: state.messages,
    system: input.system,
    policy: input.compaction?.policy ?? resolveCompaction(undefined, undefined),
    summarizer: input.compaction?.summarizer ?? model,
    windowTokens: window,
    trigger,
    metadata: input.metadata,
    signal: input.signal,
    limits: input.limits,
    transformRequest: input.transformRequest,
  });
  if (result === null) return;
  input.sink.emit({ type: "context_compaction", context_compaction: result.event });
  state.messages = result.messages;
}

function dueTrigger(options: { input: LoopInput; state: CompactionState; window: number }): CompactionTrigger | null {
  const { input, state, window } = options;
  if (state.requested) return "self";
  const policy = input.compaction?.policy;
  if (policy?.enabled !== true || window <= 0) return null;
  const used = state.lastUsage === null ? estimateTokens(state.messages, input.system) : state.lastUsage.input_tokens + state.lastUsage.output_tokens;
  return used * 100 >= window * policy.autocompactAtPct ? "auto" : null;
}

/** The serving model's window: what the last call reported, else the model's capabilities; 0 = unknown. */
function windowTokens(input: LoopInput, state: CompactionState): number {
  const reported = state.lastUsage?.max_context_tokens ?? 0;
  if (reported > 0) return reported;
  const model = input.route?.current() ?? input.model;
  return model.capabilities?.maxContextTokens ?? 0;
}
