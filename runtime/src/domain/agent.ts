import { z } from "zod";
import { CompactionSpec } from "./compaction.ts";

/** loomcycle's id charset for user_id / agent_id handles. */
export const HANDLE_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Default loop cap, as in loomcycle (`max_iterations: 0` means this). */
export const DEFAULT_MAX_ITERATIONS = 16;

/** Sampling knobs, merged field by field (agent, then run). `0` is a value, absent is "provider default". */
export const SamplingSpec = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  seed: z.number().int().optional(),
  stop: z.array(z.string()).max(16).optional(),
});
export type SamplingSpec = z.infer<typeof SamplingSpec>;

/** The model tiers an agent may pick instead of pinning a model. */
export const TIERS = ["low", "middle", "high"] as const;
export type Tier = (typeof TIERS)[number];

/** Where a memory entry lives; the scope id comes from the run (never from the model). */
export const MEMORY_SCOPES = ["agent", "user", "tenant", "run"] as const;
export type MemoryScope = (typeof MEMORY_SCOPES)[number];

/** The `Evaluation` tool's grants (loomcycle's `evaluation_scopes`). */
export const EVALUATION_SCOPES = ["submit_self", "submit_descendants", "submit_any", "read_any"] as const;
export type EvaluationScope = (typeof EVALUATION_SCOPES)[number];

/** One `agent_def_scopes` entry: `self`, `any` or `named:<agent name>`. */
export const AGENT_DEF_SCOPE = /^(self|any|named:[A-Za-z0-9][A-Za-z0-9_./-]{0,127})$/;

/** Most same-provider retries a policy may ask for (loomcycle's cap). */
export const MAX_RETRY_ATTEMPTS = 5;

/**
 * An agent definition: which model it uses, which tools it may call, its system prompt.
 * Field names follow loomcycle's AgentDef so yaml and markdown agents carry over.
 */
export const AgentSpec = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,127}$/, "letters, digits, _ . / - (max 128)"),
  description: z.string().default(""),
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  /** Pick the model by tier instead of pinning provider + model (never both). */
  tier: z.enum(TIERS).optional(),
  effort: z.enum(["minimal", "low", "medium", "high"]).optional(),
  sampling: SamplingSpec.optional(),
  /** Same-provider retries for retryable failures (overrides the user tier's). */
  retry_attempts: z.number().int().min(0).max(MAX_RETRY_ATTEMPTS).optional(),
  tools: z.array(z.string().min(1)).default([]),
  /** Names of operator `volumes:` the file tools may use; absent or empty = no filesystem access. */
  volumes: z.array(z.string().min(1)).optional(),
  /** Narrows the operator's host allowlist for network tools (absent = the operator's list). */
  allowed_hosts: z.array(z.string().min(1)).optional(),
  max_iterations: z.number().int().min(0).max(1_000_000).default(0),
  max_tokens: z.number().int().min(0).default(0),
  system_prompt: z.string().default(""),
  /** JavaScript for a `code-js` agent: a top-level `function run(input)`. */
  code: z.string().min(1).optional(),
  /** Context compaction policy (a run's `compaction` overrides it field by field). */
  compaction: CompactionSpec.optional(),
  /** How many children `Agent op=parallel_spawn` runs at once. */
  max_concurrent_children: z.number().int().min(1).max(32).default(4),
  /** Skills the `Skill` tool may load (exact names or `prefix*`); absent or empty = none. */
  skills: z.array(z.string().min(1)).optional(),
  /** Memory scopes the `Memory` tool may use; empty = no memory (default deny). */
  memory_scopes: z.array(z.enum(MEMORY_SCOPES)).default([]),
  /** Channels the `Channel` tool may publish to / subscribe to (exact names or trailing `/*`); absent = none. */
  channels: z.strictObject({ publish: z.array(z.string().min(1)).default([]), subscribe: z.array(z.string().min(1)).default([]) }).optional(),
  /** Whether `Interruption` may ask a human, and how many asks may be pending per run. */
  interruption: z.strictObject({ enabled: z.boolean().default(false), max_pending: z.number().int().min(1).max(100).default(4) }).optional(),
  /** What `Evaluation` may do; empty = nothing (default deny). */
  evaluation_scopes: z.array(z.enum(EVALUATION_SCOPES)).default([]),
  /**
   * Which agent definitions the `AgentDef` tool may author or read: `self` (its own name),
   * `named:<agent>`, `any`. Empty = none (default deny). An authority field: not in the content hash.
   */
  agent_def_scopes: z.array(z.string().regex(AGENT_DEF_SCOPE, "self, any or named:<agent>")).default([]),
  /** Script for the `mock-tools` model: one step per model call. */
  mock_script: z.array(z.unknown()).optional(),
});
export type AgentSpec = z.infer<typeof AgentSpec>;

/** Where an agent definition came from. */
export type AgentSource = "builtin" | "config" | "file" | "definition";

/** An agent as the runtime serves it: the definition plus its source. */
export interface Agent extends AgentSpec {
  source: AgentSource;
  /** The definition version serving this agent (source `definition` only). */
  def_id?: string;
}

/** code-js agents make one tool call per turn, so their default cap is loomcycle's hard ceiling, not 16. */
const CODE_JS_MAX_ITERATIONS = 1 << 20;

/** The loop cap the agent runs with (0 → the default). */
export function effectiveMaxIterations(agent: AgentSpec): number {
  if (agent.max_iterations > 0) return agent.max_iterations;
  return agent.provider === "code-js" ? CODE_JS_MAX_ITERATIONS : DEFAULT_MAX_ITERATIONS;
}

/** Merges sampling field by field: a field the override sets wins, `0` included. */
export function mergeSampling(base: SamplingSpec | undefined, override: SamplingSpec | undefined): SamplingSpec | undefined {
  if (base === undefined) return override;
  if (override === undefined) return base;
  const merged: SamplingSpec = { ...base };
  for (const [key, value] of Object.entries(override)) if (value !== undefined) Object.assign(merged, { [key]: value });
  return merged;
}
