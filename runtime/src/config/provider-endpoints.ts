import type { Agent } from "../domain/index.ts";
import type { Env } from "./paths.ts";
import type { ProviderConfig, ProviderDriver, ProviderEndpoint } from "./schema.ts";

interface Builtin {
  driver: ProviderDriver;
  keyEnv: string | null;
  baseUrlEnvs: readonly string[];
  defaultBaseUrl: string | null;
}

/** loomcycle's built-in provider ids, with each SDK's standard variables (inventory §6.2). */
const BUILTINS: Readonly<Record<string, Builtin>> = {
  anthropic: { driver: "anthropic", keyEnv: "ANTHROPIC_API_KEY", baseUrlEnvs: ["ANTHROPIC_BASE_URL"], defaultBaseUrl: null },
  openai: { driver: "openai", keyEnv: "OPENAI_API_KEY", baseUrlEnvs: ["OPENAI_BASE_URL"], defaultBaseUrl: null },
  deepseek: { driver: "deepseek", keyEnv: "DEEPSEEK_API_KEY", baseUrlEnvs: ["DEEPSEEK_BASE_URL"], defaultBaseUrl: null },
  gemini: { driver: "gemini", keyEnv: "GEMINI_API_KEY", baseUrlEnvs: ["GEMINI_BASE_URL"], defaultBaseUrl: null },
  ollama: { driver: "ollama", keyEnv: "OLLAMA_API_KEY", baseUrlEnvs: ["OLLAMA_CLOUD_BASE_URL"], defaultBaseUrl: "https://ollama.com" },
  "ollama-local": { driver: "ollama", keyEnv: null, baseUrlEnvs: ["OLLAMA_HOST", "OLLAMA_BASE_URL"], defaultBaseUrl: "http://127.0.0.1:11434" },
};

/** The default agent's model per provider, in the order a present key is preferred (issue 3 §9). */
const DEFAULT_MODELS: readonly (readonly [string, string])[] = [
  ["anthropic", "claude-sonnet-4-5"],
  ["openai", "gpt-4.1-mini"],
  ["gemini", "gemini-2.5-flash"],
  ["deepseek", "deepseek-chat"],
];

const set = (env: Env, name: string | null): boolean => name !== null && (env[name] ?? "").trim() !== "";

/**
 * Built-in providers plus `providers:` from the config file; a file entry overrides the
 * built-in of the same id (config takes precedence over the SDK's environment).
 */
export function providerEndpoints(options: { env: Env; providers: Readonly<Record<string, ProviderConfig>> }): ProviderEndpoint[] {
  const endpoints = new Map<string, ProviderEndpoint>();
  for (const [id, builtin] of Object.entries(BUILTINS)) endpoints.set(id, builtinEndpoint({ id, builtin, env: options.env }));
  for (const [id, file] of Object.entries(options.providers)) {
    const endpoint = fileEndpoint({ id, file, base: endpoints.get(id), env: options.env });
    if (endpoint !== null) endpoints.set(id, endpoint);
  }
  return [...endpoints.values()];
}

function builtinEndpoint(options: { id: string; builtin: Builtin; env: Env }): ProviderEndpoint {
  const { builtin, env } = options;
  const fromEnv = builtin.baseUrlEnvs.map((name) => env[name]?.trim()).find((value) => value !== undefined && value !== "");
  if (fromEnv === "disabled") return { id: options.id, driver: builtin.driver, baseUrl: null, apiKeyEnv: builtin.keyEnv, enabled: false };
  const enabled = builtin.keyEnv === null || set(env, builtin.keyEnv);
  return { id: options.id, driver: builtin.driver, baseUrl: fromEnv ?? builtin.defaultBaseUrl, apiKeyEnv: builtin.keyEnv, enabled };
}

/** A `providers:` entry over the built-in of the same id; mock and code-js need no endpoint. */
function fileEndpoint(options: { id: string; file: ProviderConfig; base: ProviderEndpoint | undefined; env: Env }): ProviderEndpoint | null {
  const { file, base } = options;
  if (file.driver === "mock" || file.driver === "code-js") return null;
  const apiKeyEnv = file.api_key_env ?? base?.apiKeyEnv ?? null;
  const baseUrl = file.base_url ?? base?.baseUrl ?? null;
  const enabled = apiKeyEnv === null || set(options.env, apiKeyEnv);
  return { id: options.id, driver: file.driver, baseUrl, apiKeyEnv, enabled, ...gateLimit(file) };
}

/** `max_concurrent` when it limits anything (absent or 0 = unlimited). */
function gateLimit(file: ProviderConfig): Pick<ProviderEndpoint, "maxConcurrent"> {
  return file.max_concurrent ? { maxConcurrent: file.max_concurrent } : {};
}

/**
 * The builtin `default` agent: on the first provider whose key is present (Anthropic, OpenAI,
 * Gemini, DeepSeek), else the mock. Returns the agent and a sentence saying why.
 */
export function pickDefaultAgent(options: { endpoints: readonly ProviderEndpoint[]; base: Agent }): { agent: Agent; reason: string } {
  for (const [id, model] of DEFAULT_MODELS) {
    const endpoint = options.endpoints.find((candidate) => candidate.id === id);
    if (endpoint?.enabled !== true) continue;
    const agent = { ...options.base, provider: id, model, description: `General assistant on ${id} (${model}).` };
    return { agent, reason: `default agent on ${id}/${model}: ${endpoint.apiKeyEnv} is set` };
  }
  return { agent: options.base, reason: "default agent on the mock provider: no provider key is set (ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY, DEEPSEEK_API_KEY)" };
}
