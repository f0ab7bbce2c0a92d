import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { AppError, CHANNEL_NAME_PATTERN, CHANNEL_SCOPES, HANDLE_PATTERN, MAX_CHANNEL_BATCH, parseTtlMs } from "../../../domain/index.ts";
import type { ChannelService } from "../../../service/index.ts";
import { parseBody } from "../parse-body.ts";
import { tenantOf } from "../principal.ts";

/** The subscriber an HTTP caller reads as when it names none (the Channel tool reads as the agent's name). */
const DEFAULT_HTTP_SUBSCRIBER = "app";

const Ttl = z.union([z.number().min(0), z.string().min(1)]).transform((value, context) => {
  const ms = parseTtlMs(value);
  if (ms === null) context.addIssue({ code: "custom", message: "expected seconds or a duration like 90s, 5m, 1h" });
  return ms ?? 0;
});

/** Route words: a name ending in one would be ambiguous in /v1/_channels/{name}/{action}. */
const RESERVED_LAST_SEGMENTS = new Set(["publish", "subscribe", "ack", "peek"]);

const DeclareBody = z.strictObject({
  name: z
    .string()
    .regex(CHANNEL_NAME_PATTERN, "segments of A-Z a-z 0-9 _ . - separated by /, each starting with a letter or digit")
    .refine((name) => !RESERVED_LAST_SEGMENTS.has(name.slice(name.lastIndexOf("/") + 1)), "must not end in /publish, /subscribe, /ack or /peek"),
  description: z.string().max(2_000).optional(),
  scope: z.enum(CHANNEL_SCOPES).optional(),
  default_ttl: Ttl.optional(),
  max_messages: z.number().int().min(0).max(1_000_000).optional(),
});

const Partition = { scope_id: z.string().max(256).optional(), subscriber: z.string().min(1).max(256).optional() };
/** Any JSON value, but present (`null` is a value). */
const Payload = z.custom<unknown>((value) => value !== undefined, { error: "required (any JSON value)" });
const PublishBody = z.strictObject({ payload: Payload, ttl: Ttl.optional(), scope_id: Partition.scope_id });
const Cursor = z.string().min(1).max(64);
const MaxMessages = z.number().int().min(1).max(MAX_CHANNEL_BATCH);
const SubscribeBody = z.strictObject({ from_cursor: Cursor.optional(), max_messages: MaxMessages.optional(), wait_ms: z.number().int().min(0).optional(), ...Partition });
const PeekQuery = z.strictObject({ from_cursor: Cursor.optional(), max_messages: z.coerce.number().pipe(MaxMessages).optional(), ...Partition });
const AckBody = z.strictObject({ cursor: Cursor, ...Partition });

const UserParams = z.looseObject({ user_id: z.string().regex(HANDLE_PATTERN, "1-128 characters of A-Z a-z 0-9 _ -") });

const ACTIONS = ["publish", "subscribe", "ack"] as const;
type Action = (typeof ACTIONS)[number];

/** `team/updates/publish` → channel `team/updates`, action `publish` (names may contain `/`). */
function splitAction(path: string, actions: readonly string[]): { name: string; action: string | null } {
  const slash = path.lastIndexOf("/");
  const last = path.slice(slash + 1);
  if (slash > 0 && actions.includes(last)) return { name: path.slice(0, slash), action: last };
  return { name: path, action: null };
}

function wildcard(params: unknown): string {
  const rest = (params as Record<string, string | undefined>)["*"] ?? "";
  if (rest === "") throw new AppError("INVALID_ARGUMENT", "name: the channel name is missing from the path", { details: { field: "name" } });
  return rest;
}

function partitionOf(body: { scope_id?: string | undefined; subscriber?: string | undefined }): { scopeId: string; subscriber: string } {
  return { scopeId: body.scope_id ?? "", subscriber: body.subscriber ?? DEFAULT_HTTP_SUBSCRIBER };
}

/** A signal that fires when the client goes away, so a long-poll stops waiting for nobody. */
function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once("close", () => controller.abort());
  return controller.signal;
}

/** One per-channel POST: the caller's tenant, the channel name, the raw body, and the reply (for the long-poll's disconnect signal). */
interface ActionRequest {
  tenantId: string;
  name: string;
  body: unknown;
  reply: FastifyReply;
}

type ChannelActionHandler = (channels: ChannelService, request: ActionRequest) => Promise<unknown>;

const HANDLERS: Record<Action, ChannelActionHandler> = {
  publish: async (channels, { tenantId, name, body: raw }) => {
    const body = parseBody(PublishBody, raw);
    const published = await channels.publish({ tenantId, channel: name, scopeId: body.scope_id ?? "", payload: body.payload, ...(body.ttl === undefined ? {} : { ttlMs: body.ttl }) });
    return { msg_id: published.msg_id, channel: published.channel, created_at: published.created_at };
  },
  subscribe: async (channels, { tenantId, name, body: raw, reply }) => {
    const body = parseBody(SubscribeBody, raw);
    const delivery = await channels.subscribe({
      tenantId,
      channel: name,
      ...partitionOf(body),
      ...(body.from_cursor === undefined ? {} : { fromCursor: body.from_cursor }),
      ...(body.max_messages === undefined ? {} : { maxMessages: body.max_messages }),
      ...(body.wait_ms === undefined ? {} : { waitMs: body.wait_ms }),
      signal: clientGone(reply),
    });
    return { channel: delivery.channel, messages: delivery.messages, next_cursor: delivery.next_cursor };
  },
  ack: async (channels, { tenantId, name, body: raw }) => {
    const body = parseBody(AckBody, raw);
    await channels.ack({ tenantId, channel: name, ...partitionOf(body), cursor: body.cursor });
    return { ok: true };
  },
};

/** The user id of `/v1/users/{user_id}/channels/…`: it is the scope id (the path wins over a body's). */
function userScope(params: unknown): { scope_id: string } {
  return { scope_id: parseBody(UserParams, params).user_id };
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

async function peek(channels: ChannelService, target: { tenantId: string; name: string }, rawQuery: unknown): Promise<unknown> {
  const query = parseBody(PeekQuery, rawQuery);
  const delivery = await channels.peek({
    tenantId: target.tenantId,
    channel: target.name,
    ...partitionOf(query),
    ...(query.from_cursor === undefined ? {} : { fromCursor: query.from_cursor }),
    ...(query.max_messages === undefined ? {} : { maxMessages: query.max_messages }),
  });
  return { channel: delivery.channel, messages: delivery.messages, next_cursor: delivery.next_cursor };
}

function noAction(method: string, url: string): AppError {
  return new AppError("NOT_FOUND", `no route ${method} ${url}; per-channel routes end in /publish, /subscribe, /ack (POST) or /peek (GET)`);
}

/**
 * /v1/_channels: declare, list, delete channels; publish, subscribe (long-poll, auto-commit),
 * peek (never commits) and ack. Channel names may contain `/`, so the per-channel routes take
 * the rest of the path and read the action off its last segment. `/v1/users/{user_id}/channels/…`
 * is the same with the user id as the scope id (loomcycle's per-user routes).
 */
export function registerChannelRoutes(app: FastifyInstance, channels: ChannelService): void {
  app.get("/v1/_channels", async (request) => ({ channels: await channels.list(tenantOf(request)) }));

  app.post("/v1/_channels", async (request, reply) => {
    const body = parseBody(DeclareBody, request.body);
    const { default_ttl: ttlMs, ...rest } = body;
    const descriptor = await channels.declare(tenantOf(request), { ...rest, ...(ttlMs === undefined ? {} : { default_ttl_ms: ttlMs }) });
    return reply.code(201).send(descriptor);
  });

  app.post("/v1/_channels/*", async (request, reply) => {
    const { name, action } = splitAction(wildcard(request.params), ACTIONS);
    if (action === null) throw noAction("POST", request.url);
    return HANDLERS[action as Action](channels, { tenantId: tenantOf(request), name, body: request.body, reply });
  });

  app.get("/v1/_channels/*", async (request) => {
    const { name, action } = splitAction(wildcard(request.params), ["peek"]);
    const tenantId = tenantOf(request);
    return action === null ? channels.describe(tenantId, name) : peek(channels, { tenantId, name }, request.query);
  });

  app.delete("/v1/_channels/*", async (request, reply) => {
    await channels.delete(tenantOf(request), wildcard(request.params));
    return reply.code(204).send();
  });

  app.post("/v1/users/:user_id/channels/*", async (request, reply) => {
    const { name, action } = splitAction(wildcard(request.params), ACTIONS);
    if (action === null) throw noAction("POST", request.url);
    return HANDLERS[action as Action](channels, { tenantId: tenantOf(request), name, body: { ...asObject(request.body), ...userScope(request.params) }, reply });
  });

  app.get("/v1/users/:user_id/channels/*", async (request) => {
    const { name, action } = splitAction(wildcard(request.params), ["peek"]);
    if (action === null) throw noAction("GET", request.url);
    return peek(channels, { tenantId: tenantOf(request), name }, { ...asObject(request.query), ...userScope(request.params) });
  });
}
