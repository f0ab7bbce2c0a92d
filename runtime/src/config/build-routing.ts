import type { Tier } from "../domain/index.ts";
import type { ConfigIssue } from "./format-issues.ts";
import type { ConfigFileResult } from "./read-config-file.ts";
import type { FileUserTier, Config, ModelRef, UserTierPolicy } from "./schema.ts";

type Candidate = string | ModelRef;
type TierMap = Partial<Record<Tier, Candidate[]>>;

/** The policy of the built-in `default` user tier when the config names none (loomcycle's defaults, retries 2). */
const DEFAULT_POLICY = { fallbackOnError: true, maxFallbackAttempts: 3, retryAttempts: 2, rateLimitCooldownMs: 30_000 };

/**
 * Builds the routing config: `models:` aliases resolved in every tier candidate, and each user
 * tier completed from the library `tiers:` / `provider_priority:` where it sets none. There is
 * always a `default` user tier. An unknown alias is an issue at its position.
 */
export function buildRouting(options: { configFile: ConfigFileResult | null; issues: ConfigIssue[] }): Config["routing"] {
  const { aliases, tiers, priority, fileTiers } = fileRouting(options.configFile);
  const resolve = (candidates: TierMap | undefined, path: (string | number)[]): Partial<Record<Tier, ModelRef[]>> =>
    resolveTiers({ candidates, aliases, path, configFile: options.configFile, issues: options.issues });
  const library = resolve(tiers, ["tiers"]);
  const userTiers: Record<string, UserTierPolicy> = {};
  for (const [name, tier] of Object.entries(fileTiers)) {
    const tiers = tier.tiers === undefined ? library : resolve(tier.tiers, ["user_tiers", name, "tiers"]);
    userTiers[name] = toPolicy({ tier, tiers, priority });
  }
  userTiers["default"] ??= { providerPriority: priority, tiers: library, ...DEFAULT_POLICY };
  return { userTiers };
}

/** The routing keys of the file, with their defaults when there is no (valid) file. */
function fileRouting(configFile: ConfigFileResult | null): {
  aliases: Readonly<Record<string, ModelRef>>;
  tiers: TierMap;
  priority: readonly string[];
  fileTiers: Readonly<Record<string, FileUserTier>>;
} {
  const data = configFile?.data;
  if (data === null || data === undefined) return { aliases: {}, tiers: {}, priority: [], fileTiers: {} };
  return { aliases: data.models, tiers: data.tiers, priority: data.provider_priority, fileTiers: data.user_tiers };
}

function toPolicy(options: { tier: FileUserTier; tiers: UserTierPolicy["tiers"]; priority: readonly string[] }): UserTierPolicy {
  const { tier } = options;
  return {
    providerPriority: tier.provider_priority ?? options.priority,
    tiers: options.tiers,
    fallbackOnError: tier.fallback_on_error,
    maxFallbackAttempts: tier.max_fallback_attempts,
    retryAttempts: tier.retry_attempts,
    rateLimitCooldownMs: tier.rate_limit_cooldown_ms,
  };
}

function resolveTiers(options: {
  candidates: TierMap | undefined;
  aliases: Readonly<Record<string, ModelRef>>;
  path: (string | number)[];
  configFile: ConfigFileResult | null;
  issues: ConfigIssue[];
}): Partial<Record<Tier, ModelRef[]>> {
  const result: Partial<Record<Tier, ModelRef[]>> = {};
  for (const [tier, list] of Object.entries(options.candidates ?? {}) as [Tier, Candidate[]][]) {
    result[tier] = list.flatMap((candidate, index) => {
      if (typeof candidate !== "string") return [candidate];
      const alias = options.aliases[candidate];
      if (alias !== undefined) return [alias];
      const path = [...options.path, tier, index];
      const position = options.configFile?.locate(path) ?? {};
      options.issues.push({ file: options.configFile?.file, ...position, path: path.join("."), message: `unknown model alias "${candidate}"; define it under models:` });
      return [];
    });
  }
  return result;
}
