import type { Env } from "./paths.ts";
import type { ProviderConfig } from "./schema.ts";

/** The key variables of loomcycle's built-in providers (Appendix A). */
export const BUILTIN_PROVIDER_KEYS = ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY", "DEEPSEEK_API_KEY", "OLLAMA_API_KEY"] as const;

/** Which provider key variables are set and non-empty: booleans only, so no secret enters the Config. */
export function providerKeysPresent(options: { env: Env; providers: Readonly<Record<string, ProviderConfig>> }): Record<string, boolean> {
  const names = new Set<string>(BUILTIN_PROVIDER_KEYS);
  for (const provider of Object.values(options.providers)) {
    if (provider.api_key_env !== undefined) names.add(provider.api_key_env);
  }
  const present: Record<string, boolean> = {};
  for (const name of names) present[name] = (options.env[name] ?? "").trim() !== "";
  return present;
}
