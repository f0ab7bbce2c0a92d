/**
 * The channel store port: declared channels, their messages (numbered per partition) and the
 * subscribers' cursors. Everything is per tenant: a channel is (tenant, name), a partition is
 * (tenant, channel, scope, scope_id); the scope is the channel's. Another tenant's channel of the
 * same name is invisible.
 */

import type { ChannelScope, ChannelSource } from "../domain/index.ts";

export interface NewChannel {
  name: string;
  description: string;
  scope: ChannelScope;
  /** 0 = messages never expire. */
  default_ttl_ms: number;
  /** 0 = no cap. */
  max_messages: number;
}

export interface StoredChannel extends NewChannel {
  source: ChannelSource;
  created_at: Date;
}

/** A channel with the statistics the API lists. */
export interface ChannelWithStats extends StoredChannel {
  /** Unexpired messages over every partition. */
  message_count: number;
  oldest_visible_at: Date | null;
  newest_visible_at: Date | null;
}

/** One partition of a channel. */
export interface ChannelPartition {
  tenant_id: string;
  channel: string;
  scope: ChannelScope;
  scope_id: string;
}

/** A subscriber's place in a partition. */
export interface CursorKey extends ChannelPartition {
  subscriber: string;
}

export interface ChannelMessage {
  id: number;
  payload: unknown;
  published_at: Date;
}

export interface PublishedMessage {
  id: number;
  published_at: Date;
  /** Oldest messages trimmed because the partition went over max_messages. */
  dropped_oldest: number;
  /** The dedupe key was seen before: this is the earlier message, nothing was written. */
  duplicate: boolean;
}

export interface PublishOptions {
  /** null = the channel's default_ttl. */
  ttlMs: number | null;
  /** Publishing again under the same key returns the first message (crash-resumed tool calls). */
  dedupeKey: string | null;
}

export interface ChannelStore {
  /** Inserts a channel in the tenant; null when the tenant has the name already. */
  insertChannel(tenantId: string, channel: NewChannel): Promise<ChannelWithStats | null>;
  /** Declares or updates a channel from the config file in the tenant. */
  upsertYamlChannel(tenantId: string, channel: NewChannel): Promise<void>;
  /** Every channel of the tenant with its statistics, or only the named one. */
  listChannels(tenantId: string, name?: string): Promise<ChannelWithStats[]>;
  /** The declaration alone (cheap: no statistics). */
  getChannel(tenantId: string, name: string): Promise<StoredChannel | null>;
  /** Deletes a tenant's runtime channel with its messages and cursors; false when absent or from yaml. */
  deleteChannel(tenantId: string, name: string): Promise<boolean>;
  /** Appends a message; null when the channel does not exist. */
  publish(partition: ChannelPartition, payload: unknown, options: PublishOptions): Promise<PublishedMessage | null>;
  /** Unexpired messages with id > afterId, oldest first. */
  readMessages(partition: ChannelPartition, afterId: number, limit: number): Promise<ChannelMessage[]>;
  /** The committed position (0 = nothing consumed). */
  getCursor(key: CursorKey): Promise<number>;
  /** Moves the cursor to `to`; with `expected` set only if it is still there. Returns whether it moved. */
  commitCursor(key: CursorKey, expected: number | null, to: number): Promise<boolean>;
  /** Moves the cursor forward to `to`; false (and no change) when it is already past it. */
  ackCursor(key: CursorKey, to: number): Promise<boolean>;
  /** The newest message id ever handed out in the partition (0 = none). */
  lastMessageId(partition: ChannelPartition): Promise<number>;
}
