import { formatCursor } from "../domain/index.ts";
import type { ChannelDelivery, ChannelDescriptor } from "../domain/index.ts";
import type { ChannelMessage, ChannelPartition, ChannelWithStats } from "../store/index.ts";

/** The API's view of a stored channel (ttl in seconds, times as ISO strings). */
export function toDescriptor(channel: ChannelWithStats): ChannelDescriptor {
  return {
    name: channel.name,
    description: channel.description,
    scope: channel.scope,
    default_ttl: channel.default_ttl_ms / 1000,
    max_messages: channel.max_messages,
    message_count: channel.message_count,
    oldest_visible_at: channel.oldest_visible_at?.toISOString() ?? null,
    newest_visible_at: channel.newest_visible_at?.toISOString() ?? null,
    source: channel.source,
    created_at: channel.created_at.toISOString(),
  };
}

/** A subscribe/peek answer: the messages and the cursor after the last one (or where the read started). */
export function toDelivery(partition: ChannelPartition, messages: readonly ChannelMessage[], position: number): ChannelDelivery {
  return {
    channel: partition.channel,
    scope: partition.scope,
    scope_id: partition.scope_id,
    messages: messages.map((message) => ({ id: message.id, value: message.payload, published_at: message.published_at.toISOString() })),
    next_cursor: formatCursor(position),
  };
}
