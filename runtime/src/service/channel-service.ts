import { AppError, DEFAULT_CHANNEL_BATCH, DEFAULT_TENANT, MAX_CHANNEL_BATCH, formatCursor, parseCursor } from "../domain/index.ts";
import type {
  AgentSpec,
  ChannelAckRequest,
  ChannelDelivery,
  ChannelDescriptor,
  ChannelPartitionRef,
  ChannelPublished,
  ChannelPublishRequest,
  ChannelReadRequest,
  ChannelScope,
  ChannelSpec,
  ChannelSubscribeRequest,
} from "../domain/index.ts";
import type { ChannelMessage, ChannelPartition, ChannelStore, CursorKey, StoredChannel } from "../store/index.ts";
import { ChannelWakeups, partitionKey } from "./channel-wakeups.ts";
import { toDelivery, toDescriptor } from "./channel-views.ts";

/** Longest a subscribe may long-poll; longer `wait_ms` is capped (loomcycle caps it too). */
export const CHANNEL_LONG_POLL_CAP_MS = 30_000;

/** How often a long-poll re-reads the store, for publishes by other processes. */
const RECHECK_MS = 500;

/** An agent's Channel tool grants: exact names or trailing `/*` patterns. */
export interface ChannelGrants {
  publish: readonly string[];
  subscribe: readonly string[];
}

export interface ChannelServiceOptions {
  store: { channels: ChannelStore };
  /** Looks an agent up by name (for its `channels:` grants). */
  agents: { get(name: string, tenantId: string): Pick<AgentSpec, "channels"> };
  longPollCapMs?: number;
  recheckMs?: number;
}

/** What one read took: the messages and the position after them. */
interface Taken {
  messages: ChannelMessage[];
  position: number;
}

/**
 * Channels: durable pub/sub between agents and apps. Messages are numbered per partition
 * (channel + scope id); each subscriber has a cursor. Subscribe commits the cursor as it reads
 * (at-most-once), peek never commits, ack moves a cursor forward only. Long-polls wake at once
 * on a publish in this process and re-read the store every RECHECK_MS for other processes.
 * Everything is per tenant: the caller's tenant picks the channel, another tenant's channel of the
 * same name is invisible. The config file's channels exist in every tenant (each with its own
 * messages and cursors), declared in a tenant the first time that tenant touches channels.
 */
export class ChannelService {
  private readonly store: ChannelStore;
  private readonly agents: ChannelServiceOptions["agents"];
  private readonly wakeups = new ChannelWakeups();
  private readonly capMs: number;
  private readonly recheckMs: number;
  /** The config file's channels, and the tenants this process has declared them in already. */
  private yamlSpecs: readonly ChannelSpec[] = [];
  private readonly yamlTenants = new Set<string>();

  constructor(options: ChannelServiceOptions) {
    this.store = options.store.channels;
    this.agents = options.agents;
    this.capMs = options.longPollCapMs ?? CHANNEL_LONG_POLL_CAP_MS;
    this.recheckMs = options.recheckMs ?? RECHECK_MS;
  }

  /** Declares a channel in the tenant over the API; 409 when the tenant has the name already. */
  async declare(tenantId: string, spec: ChannelSpec): Promise<ChannelDescriptor> {
    await this.ensureYaml(tenantId);
    const created = await this.store.insertChannel(tenantId, normalizeSpec(spec));
    if (created !== null) return toDescriptor(created);
    const existing = await this.store.getChannel(tenantId, spec.name);
    if (existing?.source === "yaml") {
      throw new AppError("CHANNEL_YAML_IMMUTABLE", `channel "${spec.name}" is declared in the config file (channels:); change it there`);
    }
    throw new AppError("CHANNEL_EXISTS", `channel "${spec.name}" already exists; delete it first to redeclare it`, { details: { field: "name" } });
  }

  /**
   * Declares (or updates) the config file's channels; called once at start-up. They are declared
   * in the default tenant now and in any other tenant when it first uses channels.
   */
  async declareFromConfig(specs: readonly ChannelSpec[]): Promise<void> {
    this.yamlSpecs = specs;
    this.yamlTenants.clear();
    await this.ensureYaml(DEFAULT_TENANT);
  }

  async list(tenantId: string): Promise<ChannelDescriptor[]> {
    await this.ensureYaml(tenantId);
    return (await this.store.listChannels(tenantId)).map(toDescriptor);
  }

  async describe(tenantId: string, name: string): Promise<ChannelDescriptor> {
    await this.ensureYaml(tenantId);
    const [channel] = await this.store.listChannels(tenantId, name);
    if (channel === undefined) throw await this.unknown(tenantId, name);
    return toDescriptor(channel);
  }

  /** The channel's scope (cheap: no statistics); NOT_FOUND when the tenant has not declared it. */
  async scopeOf(tenantId: string, name: string): Promise<ChannelScope> {
    return (await this.require(tenantId, name)).scope;
  }

  /** Deletes a tenant's runtime channel with its messages and cursors. */
  async delete(tenantId: string, name: string): Promise<void> {
    const channel = await this.require(tenantId, name);
    if (channel.source === "yaml") throw new AppError("CHANNEL_YAML_IMMUTABLE", `channel "${name}" is declared in the config file (channels:); remove it there`);
    await this.store.deleteChannel(tenantId, name);
  }

  async publish(request: ChannelPublishRequest): Promise<ChannelPublished> {
    const channel = await this.require(request.tenantId, request.channel);
    const partition = { tenant_id: request.tenantId, channel: channel.name, scope: channel.scope, scope_id: checkScopeId(channel, request.scopeId) };
    const published = await this.store.publish(partition, request.payload ?? null, { ttlMs: request.ttlMs ?? null, dedupeKey: request.dedupeKey ?? null });
    if (published === null) throw unknownChannel(request.channel, []);
    if (!published.duplicate) this.wakeups.wake(wakeKey(partition));
    return {
      msg_id: published.id,
      duplicate: published.duplicate,
      channel: channel.name,
      scope: channel.scope,
      scope_id: request.scopeId,
      created_at: published.published_at.toISOString(),
      dropped_oldest: published.dropped_oldest,
    };
  }

  /**
   * Takes up to maxMessages after the subscriber's cursor (or `fromCursor`) and commits the cursor
   * past them. With `waitMs` and nothing to take, waits for a publish (capped at the long-poll cap).
   */
  async subscribe(request: ChannelSubscribeRequest): Promise<ChannelDelivery> {
    const key = await this.cursorKey(request);
    const from = optionalCursor(request.fromCursor, "from_cursor");
    const limit = batchSize(request.maxMessages);
    const deadline = Date.now() + Math.min(Math.max(0, request.waitMs ?? 0), this.capMs);
    for (;;) {
      const armed = this.wakeups.arm(wakeKey(key));
      try {
        const taken = await this.take(key, from, limit);
        if (taken !== null && (taken.messages.length > 0 || Date.now() >= deadline || request.signal?.aborted === true)) {
          return toDelivery(key, taken.messages, taken.position);
        }
        if (taken !== null) await armed.wait(Math.min(this.recheckMs, deadline - Date.now()), request.signal);
      } finally {
        armed.disarm();
      }
    }
  }

  /** Reads like subscribe but never commits and never waits. */
  async peek(request: ChannelReadRequest): Promise<ChannelDelivery> {
    const key = await this.cursorKey(request);
    const start = optionalCursor(request.fromCursor, "from_cursor") ?? (await this.store.getCursor(key));
    const messages = await this.store.readMessages(key, start, batchSize(request.maxMessages));
    return toDelivery(key, messages, messages.at(-1)?.id ?? start);
  }

  /** Moves the subscriber's cursor forward to `cursor`; 409 when that would go back. */
  async ack(request: ChannelAckRequest): Promise<void> {
    const key = await this.cursorKey(request);
    const position = requiredCursor(request.cursor, "cursor");
    const newest = await this.store.lastMessageId(key);
    if (position > newest) {
      throw new AppError("INVALID_ARGUMENT", `cursor: ${request.cursor} is past the newest message of "${key.channel}" (${formatCursor(newest)})`, {
        details: { field: "cursor" },
      });
    }
    if (await this.store.ackCursor(key, position)) return;
    const committed = formatCursor(await this.store.getCursor(key));
    throw new AppError(
      "CHANNEL_CURSOR_REGRESSION",
      `cursor ${request.cursor} is behind the committed cursor ${committed} of subscriber "${key.subscriber}" on "${key.channel}"; ack only moves forward`,
      { details: { field: "cursor", committed } },
    );
  }

  /** The agent's Channel tool grants; none for an agent without `channels:` (default deny). */
  grantsFor(agent: string, tenantId: string): ChannelGrants {
    try {
      return this.agents.get(agent, tenantId).channels ?? { publish: [], subscribe: [] };
    } catch {
      return { publish: [], subscribe: [] };
    }
  }

  /** Reads from `from` (or the committed cursor) and commits past what it read; null = lost a race, read again. */
  private async take(key: CursorKey, from: number | null, limit: number): Promise<Taken | null> {
    const start = from ?? (await this.store.getCursor(key));
    const messages = await this.store.readMessages(key, start, limit);
    const last = messages.at(-1);
    if (last === undefined) return { messages, position: start };
    const moved = await this.store.commitCursor(key, from === null ? start : null, last.id);
    return moved ? { messages, position: last.id } : null;
  }

  private async cursorKey(request: ChannelPartitionRef & { subscriber: string }): Promise<CursorKey> {
    const channel = await this.require(request.tenantId, request.channel);
    const scopeId = checkScopeId(channel, request.scopeId);
    return { tenant_id: request.tenantId, channel: channel.name, scope: channel.scope, scope_id: scopeId, subscriber: request.subscriber };
  }

  /** The tenant's channel, or NOT_FOUND naming the tenant's channels (never another tenant's). */
  private async require(tenantId: string, name: string): Promise<StoredChannel> {
    await this.ensureYaml(tenantId);
    const channel = await this.store.getChannel(tenantId, name);
    if (channel !== null) return channel;
    throw await this.unknown(tenantId, name);
  }

  private async unknown(tenantId: string, name: string): Promise<AppError> {
    return unknownChannel(name, (await this.store.listChannels(tenantId)).map((known) => known.name));
  }

  /** Declares the config file's channels in the tenant, once per tenant and process. */
  private async ensureYaml(tenantId: string): Promise<void> {
    if (this.yamlTenants.has(tenantId)) return;
    for (const spec of this.yamlSpecs) await this.store.upsertYamlChannel(tenantId, normalizeSpec(spec));
    this.yamlTenants.add(tenantId);
  }
}

/** The wake-up key of a partition: tenants never wake each other's long-polls. */
function wakeKey(partition: ChannelPartition): string {
  return partitionKey(`${partition.tenant_id}\u0000${partition.channel}`, partition.scope_id);
}

function unknownChannel(name: string, known: readonly string[]): AppError {
  const list = known.length === 0 ? "none are declared" : `declared channels: ${known.slice(0, 20).join(", ")}`;
  return new AppError("NOT_FOUND", `unknown channel "${name}" (${list}); declare it with POST /v1/_channels or in the config's channels:`, {
    details: { field: "channel" },
  });
}

/** A global channel has one partition (scope id ""); a user/agent channel needs the user id / agent name. */
function checkScopeId(channel: StoredChannel, scopeId: string): string {
  if (channel.scope === "global" && scopeId !== "") {
    throw new AppError("INVALID_ARGUMENT", `scope_id: channel "${channel.name}" is global and has no scope_id; leave it out`, { details: { field: "scope_id" } });
  }
  if (channel.scope !== "global" && scopeId === "") {
    const what = channel.scope === "user" ? "the user id" : "the agent name";
    throw new AppError("INVALID_ARGUMENT", `scope_id: channel "${channel.name}" is ${channel.scope}-scoped; set scope_id to ${what}`, { details: { field: "scope_id" } });
  }
  return scopeId;
}

function normalizeSpec(spec: ChannelSpec): { name: string; description: string; scope: "global" | "user" | "agent"; default_ttl_ms: number; max_messages: number } {
  return {
    name: spec.name,
    description: spec.description ?? "",
    scope: spec.scope ?? "global",
    default_ttl_ms: spec.default_ttl_ms ?? 0,
    max_messages: spec.max_messages ?? 0,
  };
}

function batchSize(requested: number | undefined): number {
  if (requested === undefined) return DEFAULT_CHANNEL_BATCH;
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_CHANNEL_BATCH) {
    throw new AppError("INVALID_ARGUMENT", `max_messages: must be an integer from 1 to ${MAX_CHANNEL_BATCH}`, { details: { field: "max_messages" } });
  }
  return requested;
}

function optionalCursor(cursor: string | undefined, field: string): number | null {
  return cursor === undefined ? null : requiredCursor(cursor, field);
}

function requiredCursor(cursor: string, field: string): number {
  const position = parseCursor(cursor);
  if (position !== null) return position;
  throw new AppError("INVALID_ARGUMENT", `${field}: expected cur_<n> (cur_0 replays from the start), got ${JSON.stringify(cursor)}`, {
    details: { field },
  });
}
