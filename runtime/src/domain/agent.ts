import { z } from "zod";

/** loomcycle's id charset for user_id / agent_id handles. */
export const HANDLE_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Default loop cap, as in loomcycle (`max_iterations: 0` means this). */
export const DEFAULT_MAX_ITERATIONS = 16;

/**
 * An agent definition: which model it uses, which tools it may call, its system prompt.
 * Field names follow loomcycle's AgentDef so yaml and markdown agents carry over.
 */
export const AgentSpec = z.object({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,127}$/, "letters, digits, _ . / - (max 128)"),
  description: z.string().default(""),
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  tools: z.array(z.string().min(1)).default([]),
  max_iterations: z.number().int().min(0).max(1_000_000).default(0),
  max_tokens: z.number().int().min(0).default(0),
  system_prompt: z.string().default(""),
  /** Script for the `mock-tools` model: one step per model call. */
  mock_script: z.array(z.unknown()).optional(),
});
export type AgentSpec = z.infer<typeof AgentSpec>;

/** Where an agent definition came from. */
export type AgentSource = "builtin" | "config" | "file";

/** An agent as the runtime serves it: the definition plus its source. */
export interface Agent extends AgentSpec {
  source: AgentSource;
}

/** The loop cap the agent runs with (0 → the default). */
export function effectiveMaxIterations(agent: AgentSpec): number {
  return agent.max_iterations > 0 ? agent.max_iterations : DEFAULT_MAX_ITERATIONS;
}
