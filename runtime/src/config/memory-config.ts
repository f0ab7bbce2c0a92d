import type { ConfigFileResult } from "./read-config-file.ts";
import type { MemoryConfig } from "./schema.ts";

/** `memory.embedder` resolved: URL without a trailing slash, key variable NAME only (main.ts reads it). */
export function memoryConfig(configFile: ConfigFileResult | null): MemoryConfig {
  const embedder = configFile?.data?.memory?.embedder;
  if (embedder === undefined) return { embedder: null };
  return {
    embedder: {
      provider: embedder.provider,
      baseUrl: embedder.base_url.replace(/\/+$/, ""),
      model: embedder.model,
      apiKeyEnv: embedder.api_key_env ?? null,
      dimensions: embedder.dimensions ?? null,
    },
  };
}
