import type { Config } from "./config/index.ts";
import type { Agent, Logger } from "./domain/index.ts";

/** How long start-up waits for a local Ollama to answer before settling for the mock. */
const DETECT_TIMEOUT_MS = 500;

/**
 * Part of the composition root: when the builtin `default` agent fell back to the mock (no
 * provider key), a local Ollama that answers with at least one model takes its place (issue 3
 * §9). Returns the agents to serve and logs the choice.
 */
export async function withLocalOllamaDefault(config: Config, logger: Logger): Promise<readonly Agent[]> {
  const index = config.agents.findIndex((agent) => agent.name === "default" && agent.source === "builtin" && agent.provider === "mock");
  const endpoint = config.providerEndpoints.find((candidate) => candidate.id === "ollama-local" && candidate.enabled);
  if (index < 0 || endpoint?.baseUrl === undefined || endpoint.baseUrl === null) return config.agents;
  const model = await firstLocalModel(endpoint.baseUrl);
  if (model === null) return config.agents;
  const agents = [...config.agents];
  const base = agents[index] as Agent;
  agents[index] = { ...base, provider: "ollama-local", model, description: `General assistant on the local Ollama (${model}).` };
  logger.info({ host: endpoint.baseUrl, model }, `default agent on ollama-local/${model}: no provider key is set and a local Ollama answered`);
  return agents;
}

async function firstLocalModel(host: string): Promise<string | null> {
  try {
    const response = await fetch(`${host.replace(/\/+$/, "")}/api/tags`, { signal: AbortSignal.timeout(DETECT_TIMEOUT_MS) });
    if (!response.ok) return null;
    const body = (await response.json()) as { models?: { name?: unknown }[] };
    const name = body.models?.find((entry) => typeof entry.name === "string")?.name;
    return typeof name === "string" ? name : null;
  } catch {
    return null;
  }
}
