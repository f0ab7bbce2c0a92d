import { z } from "zod";

/** Model input of the Channel tool, one shape per op. */
const Name = z.string().min(1, "must not be empty").max(512);
const Cursor = z.string().min(1, "must not be empty").max(64);
const MaxMessages = z.number().int().min(1).max(100);
/** Any JSON value, but present: a message cannot be left out. */
const AnyJson = z.custom<unknown>((value) => value !== undefined, { error: "required (the message, any JSON value)" });

export const ChannelInput = z.discriminatedUnion(
  "op",
  [
    z.strictObject({ op: z.literal("publish"), channel: Name, value: AnyJson, ttl: z.union([z.number().min(0), z.string().min(1)]).optional() }),
    z.strictObject({
      op: z.literal("subscribe"),
      channel: Name,
      from_cursor: Cursor.optional(),
      max_messages: MaxMessages.optional(),
      wait_ms: z.number().int().min(0).optional(),
    }),
    z.strictObject({ op: z.literal("peek"), channel: Name, from_cursor: Cursor.optional(), max_messages: MaxMessages.optional() }),
    z.strictObject({ op: z.literal("ack"), channel: Name, cursor: Cursor }),
    z.strictObject({ op: z.literal("list_channels") }),
  ],
  { error: () => "expected one of publish, subscribe, peek, ack, list_channels" },
);
export type ChannelInput = z.infer<typeof ChannelInput>;

/** JSON Schema sent to the model. */
export const CHANNEL_INPUT_SCHEMA: Record<string, unknown> = {
  type: "object",
  properties: {
    op: { type: "string", enum: ["publish", "subscribe", "peek", "ack", "list_channels"], description: "What to do." },
    channel: { type: "string", description: "Channel name (list_channels shows the ones you may use)." },
    value: { description: "publish: the message, any JSON value." },
    ttl: { type: ["number", "string"], description: "publish: seconds (or `90s`, `1h`) the message lives; default: the channel's." },
    from_cursor: { type: "string", description: "subscribe/peek: read after this cursor (`cur_0` = from the start); default: your committed cursor." },
    max_messages: { type: "integer", minimum: 1, maximum: 100, description: "subscribe/peek: at most this many messages (default 10)." },
    wait_ms: { type: "integer", minimum: 0, description: "subscribe: wait up to this long (max 30000) for a message when none is there." },
    cursor: { type: "string", description: "ack: mark everything up to this cursor as consumed (forward only)." },
  },
  required: ["op"],
  additionalProperties: false,
};
