import { z } from "zod";
import {
  DEFAULT_MEMORY_LIST_LIMIT,
  DEFAULT_MEMORY_TOP_K,
  MAX_MEMORY_KEY_LENGTH,
  MAX_MEMORY_LIST_LIMIT,
  MAX_MEMORY_TOP_K,
  MAX_MEMORY_TTL_SECONDS,
  MEMORY_SCOPES,
} from "../../../domain/index.ts";

/** The ops the Memory tool supports. */
export const MEMORY_OPS = ["get", "set", "delete", "list", "search"] as const;

/** A required string field whose absence says which op needs it. */
function required(op: string, what: string): z.ZodString {
  return z.string({ error: (issue) => (issue.input === undefined ? `required for op=${op}: ${what}` : "must be a string") });
}

const Scope = z.enum(MEMORY_SCOPES, { error: `must be one of ${MEMORY_SCOPES.join(", ")}` });

function key(op: string): z.ZodString {
  return required(op, "the entry's key").min(1, "must not be empty").max(MAX_MEMORY_KEY_LENGTH, `at most ${MAX_MEMORY_KEY_LENGTH} characters`);
}

/**
 * The Memory tool's input, per op. Strict: a field the op does not take is refused (notably
 * `scope_id`, which always comes from the run, never from the model).
 */
export const MemoryInput = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("get"), scope: Scope, key: key("get") }),
  z.strictObject({
    op: z.literal("set"),
    scope: Scope,
    key: key("set"),
    value: z.unknown().refine((value) => value !== undefined, "required for op=set: the JSON value to store"),
    ttl: z.number().int("must be a whole number of seconds").min(1, "must be at least 1 second; omit it to keep the entry forever").max(MAX_MEMORY_TTL_SECONDS).optional(),
    embed: z.boolean().default(false),
    embed_text: z.string().min(1, "must not be empty").optional(),
  }),
  z.strictObject({ op: z.literal("delete"), scope: Scope, key: key("delete") }),
  z.strictObject({
    op: z.literal("list"),
    scope: Scope,
    prefix: z.string().default(""),
    limit: z.number().int().min(1).max(MAX_MEMORY_LIST_LIMIT).default(DEFAULT_MEMORY_LIST_LIMIT),
  }),
  z.strictObject({
    op: z.literal("search"),
    scope: Scope,
    query: required("search", "the text to find similar entries to").min(1, "must not be empty"),
    top_k: z.number().int().min(1).max(MAX_MEMORY_TOP_K, `at most ${MAX_MEMORY_TOP_K}`).default(DEFAULT_MEMORY_TOP_K),
  }),
]);
export type MemoryInput = z.infer<typeof MemoryInput>;

/** The JSON Schema the model sees. */
export const MEMORY_INPUT_SCHEMA = {
  type: "object",
  properties: {
    op: { type: "string", enum: MEMORY_OPS, description: "get / set / delete one key, list keys by prefix, or search by meaning." },
    scope: {
      type: "string",
      enum: MEMORY_SCOPES,
      description: "agent: shared by this agent's runs; user: the run's user; tenant: everyone in the tenant; run: this run only.",
    },
    key: { type: "string", maxLength: MAX_MEMORY_KEY_LENGTH, description: "get/set/delete: the entry's key, e.g. prefs/theme." },
    value: { description: "set: any JSON value to store." },
    ttl: { type: "integer", minimum: 1, description: "set: seconds until the entry expires; omit to keep it." },
    embed: { type: "boolean", description: "set: also store an embedding so op=search can find the entry by meaning." },
    embed_text: { type: "string", description: "set with embed: the text to embed (default: the value)." },
    prefix: { type: "string", description: "list: only keys starting with this." },
    limit: { type: "integer", minimum: 1, maximum: MAX_MEMORY_LIST_LIMIT, description: `list: most entries returned (default ${DEFAULT_MEMORY_LIST_LIMIT}).` },
    query: { type: "string", description: "search: the text to find similar entries to." },
    top_k: { type: "integer", minimum: 1, maximum: MAX_MEMORY_TOP_K, description: `search: most hits returned, nearest first (default ${DEFAULT_MEMORY_TOP_K}).` },
  },
  required: ["op", "scope"],
  additionalProperties: false,
} as const;
