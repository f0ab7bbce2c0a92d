import { AgentSpec } from "../domain/index.ts";
import type { Agent } from "../domain/index.ts";
import type { ConfigIssue } from "./format-issues.ts";
import type { Position } from "./parse-yaml.ts";
import type { MarkdownAgent } from "./read-agents-dir.ts";
import type { ConfigFileResult } from "./read-config-file.ts";

/** The agent served when none named `default` is configured: the mock provider echoing the prompt. */
export const BUILTIN_DEFAULT_AGENT: Agent = {
  ...AgentSpec.parse({
    name: "default",
    description: "Echoes your prompt back (mock provider). Configure a real provider to replace it.",
    provider: "mock",
    model: "mock-echo",
    system_prompt: "You are a helpful assistant.",
  }),
  source: "builtin",
};

interface Located {
  agent: Agent;
  file: string;
  position: Position;
}

/**
 * Merges agents as loomcycle does (§8.1): a markdown agent is the base and a yaml `agents.<name>`
 * entry overlays the fields it sets. Adds the builtin `default` when none exists; an agent
 * without provider and model is an issue.
 */
export function mergeAgents(options: {
  markdown: readonly MarkdownAgent[];
  config: ConfigFileResult | null;
  issues: ConfigIssue[];
  /** The builtin `default` to add when none is configured. */
  builtinDefault?: Agent;
}): Agent[] {
  const merged = new Map<string, Located>();
  for (const entry of options.markdown) {
    merged.set(entry.spec.name, { agent: { ...entry.spec, source: "file" }, file: entry.file, position: entry.position });
  }
  if (options.config?.data) overlayConfigAgents({ config: options.config, merged, issues: options.issues });
  for (const located of merged.values()) {
    // A code-js agent's "model" is the agent itself.
    if (located.agent.provider === "code-js") located.agent = { ...located.agent, model: located.agent.model ?? located.agent.name };
    const { agent, file, position } = located;
    const message = modelChoiceProblem(agent);
    if (message !== null) options.issues.push({ file, ...position, path: `agents.${agent.name}`, message });
  }
  const agents = [...merged.values()].map((entry) => entry.agent);
  if (!merged.has("default")) agents.push(options.builtinDefault ?? BUILTIN_DEFAULT_AGENT);
  return agents.sort((left, right) => left.name.localeCompare(right.name));
}

function overlayConfigAgents(options: { config: ConfigFileResult; merged: Map<string, Located>; issues: ConfigIssue[] }): void {
  const { config, merged, issues } = options;
  for (const [name, entry] of Object.entries(config.data?.agents ?? {})) {
    const where = { file: config.file, position: config.locate(["agents", name]) };
    const nameIssue = agentNameIssue({ config, name, declared: entry.name });
    if (nameIssue !== null) {
      issues.push(nameIssue);
      continue;
    }
    const base = merged.get(name);
    const overlay = pickFields(entry, config.agentFields[name] ?? []);
    merged.set(name, base === undefined
      ? { agent: { ...entry, name, source: "config" }, ...where }
      : { ...base, agent: { ...base.agent, ...overlay, name, source: "file" } });
  }
}

/** The yaml key is the agent's name: it must be a valid name, and an explicit `name:` must agree. */
function agentNameIssue(options: { config: ConfigFileResult; name: string; declared: string | undefined }): ConfigIssue | null {
  const { config, name, declared } = options;
  if (declared !== undefined && declared !== name) {
    const message = `name ${JSON.stringify(declared)} must equal the key ${JSON.stringify(name)}`;
    return { file: config.file, ...config.locate(["agents", name, "name"]), path: `agents.${name}.name`, message };
  }
  const check = AgentSpec.shape.name.safeParse(name);
  if (check.success) return null;
  const message = `the agent name must be ${check.error.issues[0]?.message ?? "valid"}`;
  return { file: config.file, ...config.locate(["agents", name]), path: `agents.${name}`, message };
}

function pickFields(entry: object, fields: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    if (field !== "name" && field in entry) picked[field] = (entry as Record<string, unknown>)[field];
  }
  return picked;
}

/** An agent pins provider + model, or picks a tier: never both, never half a pin, never neither. */
function modelChoiceProblem(agent: Agent): string | null {
  if (agent.provider === "code-js" && agent.code === undefined) return "a code-js agent needs `code` (a top-level function run(input))";
  const pinned = agent.provider !== undefined || agent.model !== undefined;
  if (pinned && agent.tier !== undefined) return "set either provider and model, or tier, not both";
  if (agent.tier !== undefined) return null;
  if (agent.provider !== undefined && agent.model !== undefined) return null;
  if (pinned) return "set both provider and model (a half pin), or use tier";
  return "set provider and model (e.g. `provider: mock` and `model: mock-echo`), or tier";
}
