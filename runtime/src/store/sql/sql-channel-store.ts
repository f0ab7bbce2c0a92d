import type { ChannelScope, ChannelSource } from "../../domain/index.ts";
import type {
  ChannelMessage,
  ChannelPartition,
  ChannelStore,
  ChannelWithStats,
  CursorKey,
  NewChannel,
  PublishedMessage,
  PublishOptions,
  StoredChannel,
} from "../channel-ports.ts";
import { loadSql } from "./load-sql.ts";
import type { SqlExecutor } from "./sql-client.ts";

/** A `channels` row; bigint columns may arrive as strings (pg). */
interface ChannelRow {
  name: string;
  description: string;
  scope: ChannelScope;
  default_ttl_ms: number | string;
  max_messages: number;
  source: ChannelSource;
  created_at: Date;
}

/** A row of channel_list: the declaration plus statistics. */
interface ChannelStatsRow extends ChannelRow {
  message_count: number | string;
  oldest_visible_at: Date | null;
  newest_visible_at: Date | null;
}

interface PublishRow {
  id: number | string;
  published_at: Date;
  dropped_oldest: number | string;
  duplicate: boolean;
}

interface MessageRow {
  id: number | string;
  payload: unknown;
  published_at: Date;
}

function mapChannelRow(row: ChannelRow): StoredChannel {
  return {
    name: row.name,
    description: row.description,
    scope: row.scope,
    default_ttl_ms: Number(row.default_ttl_ms),
    max_messages: Number(row.max_messages),
    source: row.source,
    created_at: row.created_at,
  };
}

function mapStatsRow(row: ChannelStatsRow): ChannelWithStats {
  return {
    ...mapChannelRow(row),
    message_count: Number(row.message_count),
    oldest_visible_at: row.oldest_visible_at,
    newest_visible_at: row.newest_visible_at,
  };
}

function partitionParams(partition: ChannelPartition): unknown[] {
  return [partition.tenant_id, partition.channel, partition.scope, partition.scope_id];
}

function cursorParams(key: CursorKey): unknown[] {
  return [...partitionParams(key), key.subscriber];
}

/**
 * ChannelStore over the shared SQL layer (Postgres and PGlite run the same statements). Every
 * operation is one statement; publish numbers, inserts and trims in one.
 */
export class SqlChannelStore implements ChannelStore {
  private readonly client: SqlExecutor;

  constructor(client: SqlExecutor) {
    this.client = client;
  }

  async insertChannel(tenantId: string, channel: NewChannel): Promise<ChannelWithStats | null> {
    const params = [tenantId, channel.name, channel.description, channel.scope, channel.default_ttl_ms, channel.max_messages, "runtime"];
    const rows = await this.client.query<ChannelRow>(loadSql("channel_insert"), params);
    const row = rows[0];
    return row === undefined ? null : mapStatsRow({ ...row, message_count: 0, oldest_visible_at: null, newest_visible_at: null });
  }

  async upsertYamlChannel(tenantId: string, channel: NewChannel): Promise<void> {
    const params = [tenantId, channel.name, channel.description, channel.scope, channel.default_ttl_ms, channel.max_messages];
    await this.client.query(loadSql("channel_upsert_yaml"), params);
  }

  async listChannels(tenantId: string, name?: string): Promise<ChannelWithStats[]> {
    const rows = await this.client.query<ChannelStatsRow>(loadSql("channel_list"), [tenantId, name ?? null]);
    return rows.map(mapStatsRow);
  }

  async getChannel(tenantId: string, name: string): Promise<StoredChannel | null> {
    const rows = await this.client.query<ChannelRow>(loadSql("channel_select"), [tenantId, name]);
    return rows[0] === undefined ? null : mapChannelRow(rows[0]);
  }

  async deleteChannel(tenantId: string, name: string): Promise<boolean> {
    const rows = await this.client.query(loadSql("channel_delete"), [tenantId, name]);
    return rows.length > 0;
  }

  async publish(partition: ChannelPartition, payload: unknown, options: PublishOptions): Promise<PublishedMessage | null> {
    const params = [partition.tenant_id, partition.channel, partition.scope_id, JSON.stringify(payload), options.ttlMs, options.dedupeKey];
    const rows = await this.client.query<PublishRow>(loadSql("channel_publish"), params);
    const row = rows[0];
    if (row === undefined) return null;
    return { id: Number(row.id), published_at: row.published_at, dropped_oldest: Number(row.dropped_oldest), duplicate: row.duplicate };
  }

  async readMessages(partition: ChannelPartition, afterId: number, limit: number): Promise<ChannelMessage[]> {
    const rows = await this.client.query<MessageRow>(loadSql("channel_read_messages"), [...partitionParams(partition), afterId, limit]);
    return rows.map((row) => ({ id: Number(row.id), payload: row.payload, published_at: row.published_at }));
  }

  async getCursor(key: CursorKey): Promise<number> {
    const rows = await this.client.query<{ position: number | string }>(loadSql("channel_select_cursor"), cursorParams(key));
    return rows[0] === undefined ? 0 : Number(rows[0].position);
  }

  async commitCursor(key: CursorKey, expected: number | null, to: number): Promise<boolean> {
    const rows = await this.client.query(loadSql("channel_commit_cursor"), [...cursorParams(key), expected, to]);
    return rows.length > 0;
  }

  async ackCursor(key: CursorKey, to: number): Promise<boolean> {
    const rows = await this.client.query(loadSql("channel_ack_cursor"), [...cursorParams(key), to]);
    return rows.length > 0;
  }

  async lastMessageId(partition: ChannelPartition): Promise<number> {
    const rows = await this.client.query<{ last_id: number | string }>(loadSql("channel_last_id"), partitionParams(partition));
    return Number(rows[0]?.last_id ?? 0);
  }
}
