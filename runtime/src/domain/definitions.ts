import { z } from "zod";
import { AgentSpec } from "./agent.ts";

/**
 * The definition kinds of the substrate, one zod schema each: the single source of truth for
 * the HTTP op-dispatch bodies, the AgentDef/SkillDef tools and the Kubernetes CRDs the
 * controller generates. A definition's content hash covers exactly what its schema parses.
 */

/** A definition's name: what agents and runs refer to it by. `/` groups (`review/security`). */
export const DEFINITION_NAME = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,127}$/, "letters, digits, _ . / - (max 128)");

/** An environment variable's NAME (never its value): secrets stay in the environment. */
const EnvName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,127}$/, "an environment variable name (A-Z, 0-9, _)");

export const SkillDef = z.strictObject({
  name: DEFINITION_NAME,
  description: z.string().max(4096).default(""),
  /** The instructions the Skill tool returns. */
  body: z.string().min(1).max(256 * 1024),
  /** Tools the skill needs; invoking it is refused unless the run has them all. */
  tools: z.array(z.string().min(1)).default([]),
});

export const McpServerDef = z
  .strictObject({
    name: DEFINITION_NAME,
    description: z.string().max(4096).default(""),
    transport: z.enum(["http", "streamable-http", "stdio"]),
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** Header values may hold `${run.user_bearer}` / `${cred:name}` references, resolved at dial. */
    headers: z.record(z.string(), z.string()).default({}),
    command: z.string().min(1).optional(),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    /** Operator narrowing of the server's tools (exact or `prefix*`); absent = all it lists. */
    tools: z.array(z.string().min(1)).optional(),
  })
  .refine((def) => (def.transport === "stdio" ? def.command !== undefined : def.url !== undefined), {
    message: "an http server needs `url`; a stdio server needs `command`",
  });

export const ScheduleDef = z.strictObject({
  name: DEFINITION_NAME,
  agent: DEFINITION_NAME,
  prompt: z.string().min(1),
  /** Five-field cron (or six with seconds), read by croner. */
  schedule: z.string().min(1),
  timezone: z.string().default("UTC"),
  enabled: z.boolean().default(true),
  /** Missed fires replayed after downtime (0 = skip them). */
  catch_up_max: z.number().int().min(0).max(100).default(0),
  /** Retire the schedule after this many fires (absent = never). */
  max_fires: z.number().int().min(1).optional(),
  user_id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/).optional(),
  metadata: z.record(z.string(), z.unknown()).default({}),
});

export const WebhookDef = z
  .strictObject({
    name: DEFINITION_NAME,
    enabled: z.boolean().default(true),
    delivery: z.enum(["spawn", "channel"]),
    agent: DEFINITION_NAME.optional(),
    channel: z.string().min(1).optional(),
    auth: z.strictObject({
      kind: z.enum(["hmac", "bearer"]),
      algorithm: z.enum(["sha256", "sha1"]).default("sha256"),
      header: z.string().min(1).optional(),
      signing_secret_env: EnvName.optional(),
      bearer_token_env: EnvName.optional(),
      delivery_id_header: z.string().min(1).optional(),
    }),
    rate_limit: z.strictObject({ requests_per_minute: z.number().int().min(1), burst: z.number().int().min(1).default(1) }).optional(),
    body_size_limit_bytes: z.number().int().min(1).max(16 * 1024 * 1024).default(1024 * 1024),
    /** target field → JSONPath into the payload (the strict subset: `$.a.b[0]`). */
    payload_mapping: z.record(z.string(), z.string()).default({}),
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((def) => (def.delivery === "spawn" ? def.agent !== undefined : def.channel !== undefined), {
    message: "delivery `spawn` needs `agent`; delivery `channel` needs `channel`",
  });

export const MemoryBackendDef = z.strictObject({
  name: DEFINITION_NAME,
  kind: z.enum(["inprocess", "remote"]),
  config: z.strictObject({ base_url: z.url({ protocol: /^https?$/ }).optional(), api_key_env: EnvName.optional() }).default({}),
  fallback_on_error: z.enum(["inprocess", "fail"]).default("fail"),
});

export const A2aAgentDef = z.strictObject({
  name: DEFINITION_NAME,
  agent_card_url: z.url({ protocol: /^https?$/ }),
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  auth: z.strictObject({ scheme: z.enum(["none", "bearer"]).default("none"), bearer_credential_ref: z.string().min(1).optional() }).default({ scheme: "none" }),
});

export const A2aServerCardDef = z.strictObject({
  name: DEFINITION_NAME,
  description: z.string().max(4096).default(""),
  exposed_agents: z.array(z.strictObject({ agent_name: DEFINITION_NAME, skill_id: z.string().min(1), description: z.string().default("") })).min(1),
});

/** The versioned kinds and their schemas (the key is the `/v1/_<kind>def` path segment). */
export const DEFINITION_SCHEMAS = {
  // Strict: a misspelled field in a stored definition is a 400, not silently dropped.
  agent: AgentSpec.strict(),
  skill: SkillDef,
  mcpserver: McpServerDef,
  schedule: ScheduleDef,
  webhook: WebhookDef,
  memorybackend: MemoryBackendDef,
  a2aagent: A2aAgentDef,
  a2aservercard: A2aServerCardDef,
} as const;
export type DefinitionKind = keyof typeof DEFINITION_SCHEMAS;
export const DEFINITION_KINDS = Object.keys(DEFINITION_SCHEMAS) as DefinitionKind[];

/** Where a definition came from; a `kubernetes` definition is owned by its object and refuses API writes. */
export type DefinitionSource = "api" | "config" | "kubernetes";

/** The ops of `POST /v1/_<kind>def` and of the AgentDef / SkillDef tools (`activate` = `promote`). */
export const DEFINITION_OPS = ["create", "fork", "get", "list", "retire", "promote", "activate", "verify"] as const;
export type DefinitionOp = (typeof DEFINITION_OPS)[number];

const DEF_ID = z.string().min(1).max(128);

/**
 * One op-dispatch request (loomcycle's tool input JSON). `overlay` holds the definition fields
 * (`definition` is accepted too): the whole definition on create, the fields to change on fork.
 * There is no tenant field: the tenant always comes from the caller's principal or run.
 */
export const DefinitionOpRequest = z.strictObject({
  op: z.enum(DEFINITION_OPS),
  name: DEFINITION_NAME.optional(),
  def_id: DEF_ID.optional(),
  overlay: z.record(z.string(), z.unknown()).optional(),
  definition: z.record(z.string(), z.unknown()).optional(),
  parent_def_id: DEF_ID.optional(),
  promote: z.boolean().optional(),
  content_sha256: z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex digits (SHA-256)").optional(),
  retired: z.boolean().optional(),
});
export type DefinitionOpRequest = z.infer<typeof DefinitionOpRequest>;
