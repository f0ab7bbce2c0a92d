/**
 * Channels: durable pub/sub between agents and apps. Shared by the store, the service, the
 * `Channel` tool and the HTTP routes: scopes, cursor strings and the event payload.
 */

/** Whose partition a message lands in: one for everyone, one per user, one per agent. */
export const CHANNEL_SCOPES = ["global", "user", "agent"] as const;
export type ChannelScope = (typeof CHANNEL_SCOPES)[number];

/** Most messages one subscribe/peek returns, and the default. */
export const MAX_CHANNEL_BATCH = 100;
export const DEFAULT_CHANNEL_BATCH = 10;

/** Characters of a payload an event previews. */
export const CHANNEL_PREVIEW_CHARS = 200;

/**
 * Channel names: path-like segments (`team/updates`), so an ACL can grant `team/*`. `_` may not
 * start a segment (`_system/…` and route words like `_await` are reserved).
 */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}(\/[A-Za-z0-9][A-Za-z0-9_.-]{0,63}){0,7}$/;

/** `cur_<n>`: the position after message n; `cur_0` replays from the start. */
const CURSOR_PATTERN = /^cur_(0|[1-9][0-9]{0,15})$/;

export function formatCursor(position: number): string {
  return `cur_${position}`;
}

/** The position a cursor string names, or null when it is not `cur_<n>`. */
export function parseCursor(cursor: string): number | null {
  const match = CURSOR_PATTERN.exec(cursor);
  return match === null ? null : Number(match[1]);
}

/** What `channel_publish` / `channel_delivery` events carry (loomcycle's `channel` payload). */
export interface ChannelEventInfo {
  channel: string;
  message_id: number;
  scope: ChannelScope;
  scope_id: string;
  payload_bytes: number;
  /** The payload JSON, cut to CHANNEL_PREVIEW_CHARS characters. */
  payload_preview: string;
  /** Oldest messages trimmed by this publish (max_messages overflow). */
  dropped_oldest: number;
  /** publish: the message's own position; delivery: the cursor after it. */
  cursor: string;
}

/** Where a channel came from: declared over the API, or the config's `channels:` (not deletable). */
export type ChannelSource = "runtime" | "yaml";

/** A channel as the API lists it (loomcycle's descriptor, minus what this build lacks). */
export interface ChannelDescriptor {
  name: string;
  description: string;
  scope: ChannelScope;
  /** Seconds a message lives when its publisher sets no ttl; 0 = forever. */
  default_ttl: number;
  /** Messages kept per partition (older ones are trimmed); 0 = no cap. */
  max_messages: number;
  message_count: number;
  oldest_visible_at: string | null;
  newest_visible_at: string | null;
  source: ChannelSource;
  created_at: string;
}

/** A channel to declare; absent fields take their defaults (scope global, no ttl, no cap). */
export interface ChannelSpec {
  name: string;
  description?: string;
  scope?: ChannelScope;
  default_ttl_ms?: number;
  max_messages?: number;
}

/** One partition: the tenant's channel plus the scope id (user id, agent name, or "" for global). */
export interface ChannelPartitionRef {
  /** Always the caller's tenant (the principal's, or the run's for the Channel tool), never input. */
  tenantId: string;
  channel: string;
  scopeId: string;
}

export interface ChannelPublishRequest extends ChannelPartitionRef {
  payload: unknown;
  /** Overrides the channel's default_ttl for this message. */
  ttlMs?: number;
  /** Publishing again under the same key returns the first message instead of a second one. */
  dedupeKey?: string;
}

export interface ChannelPublished {
  msg_id: number;
  /** The dedupe key was seen before: this is the message published then. */
  duplicate: boolean;
  channel: string;
  scope: ChannelScope;
  scope_id: string;
  created_at: string;
  dropped_oldest: number;
}

/** A read by one subscriber: from its committed cursor, or from `fromCursor` when given. */
export interface ChannelReadRequest extends ChannelPartitionRef {
  subscriber: string;
  fromCursor?: string;
  maxMessages?: number;
}

export interface ChannelSubscribeRequest extends ChannelReadRequest {
  /** Long-poll: wait this long for a first message (capped by the service). */
  waitMs?: number;
  signal?: AbortSignal;
}

export interface ChannelAckRequest extends ChannelPartitionRef {
  subscriber: string;
  cursor: string;
}

export interface ChannelDeliveredMessage {
  id: number;
  value: unknown;
  published_at: string;
}

export interface ChannelDelivery {
  channel: string;
  scope: ChannelScope;
  scope_id: string;
  messages: ChannelDeliveredMessage[];
  next_cursor: string;
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_PATTERN = /^(\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/**
 * A ttl as milliseconds: a number of seconds, or a Go-style duration string (`90s`, `1h30m`,
 * `500ms`). Null when it is neither, or negative.
 */
export function parseTtlMs(value: number | string): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  if (!DURATION_PATTERN.test(value)) return null;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * (DURATION_UNITS_MS[unit ?? "s"] ?? 0);
  return Math.round(total);
}
