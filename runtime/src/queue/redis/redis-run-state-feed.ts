import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { InProcessRunStateFeed, feedKey } from "../in-process/in-process-run-state-feed.ts";
import type { RunStateChange, RunStateFeed, RunStateListener } from "../run-state-ports.ts";

/** How long a follower waits for Redis to confirm its subscription before it opens its stream anyway. */
const SUBSCRIBE_WAIT_MS = 1_000;

export interface RedisRunStateFeedOptions {
  redisUrl: string;
  /** Channel prefix: one per deployment (LOOMCYCLE_REDIS_PREFIX; tests give each their own). */
  prefix: string;
  onError: (error: unknown) => void;
}

/** One pub/sub message: a change, and the process that published it. */
interface Envelope {
  origin: string;
  change: RunStateChange;
}

/**
 * The cluster RunStateFeed: each change is published on its tenant's user's Redis channel
 * (`<prefix>:run-states:<tenant>:<user>`, both URI-encoded), and a process subscribes to that
 * channel while at least one local follower watches the user. Listeners in the publishing process
 * get the change at once; the copy that comes back from Redis is dropped by its origin, so a
 * process that both executes and serves (role all) delivers each change once. At-most-once
 * (pub/sub): a change published while a subscriber reconnects is lost to it.
 */
export class RedisRunStateFeed implements RunStateFeed {
  private readonly origin = randomUUID();
  private readonly local = new InProcessRunStateFeed();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly onError: (error: unknown) => void;
  /** Local listeners per channel, and each channel's SUBSCRIBE (resolved once Redis confirmed it). */
  private readonly channels = new Map<string, { count: number; subscribed: Promise<void> }>();

  constructor(options: RedisRunStateFeedOptions) {
    this.prefix = options.prefix;
    this.onError = options.onError;
    this.publisher = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
    // Connected on the first SUBSCRIBE: a worker process publishes only.
    this.subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    this.publisher.on("error", this.onError);
    this.subscriber.on("error", this.onError);
    this.subscriber.on("message", (_channel: string, message: string) => this.receive(message));
  }

  publish(change: RunStateChange): void {
    this.local.publish(change);
    const envelope: Envelope = { origin: this.origin, change };
    this.publisher.publish(this.channel(change.tenant_id, change.user_id), JSON.stringify(envelope)).catch(this.onError);
  }

  subscribe(tenantId: string, userId: string, listener: RunStateListener): () => void {
    const channel = this.channel(tenantId, userId);
    const entry = this.channels.get(channel) ?? { count: 0, subscribed: this.redisSubscribe(channel) };
    entry.count++;
    this.channels.set(channel, entry);
    const unsubscribe = this.local.subscribe(tenantId, userId, listener);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      unsubscribe();
      entry.count--;
      if (entry.count > 0 || this.channels.get(channel) !== entry) return;
      this.channels.delete(channel);
      this.subscriber.unsubscribe(channel).catch(this.onError);
    };
  }

  /** Resolves once the user's channel is subscribed on Redis, or after SUBSCRIBE_WAIT_MS while Redis does not answer. */
  async ready(tenantId: string, userId: string): Promise<void> {
    const subscribed = this.channels.get(this.channel(tenantId, userId))?.subscribed;
    if (subscribed === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS)));
    await Promise.race([subscribed, waited]);
    clearTimeout(timer);
  }

  listenerCount(): number {
    return this.local.listenerCount();
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.publisher.disconnect();
    await Promise.resolve();
  }

  private redisSubscribe(channel: string): Promise<void> {
    return this.subscriber.subscribe(channel).then(
      () => undefined,
      (error: unknown) => this.onError(error),
    );
  }

  private receive(message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch (error) {
      this.onError(error);
      return;
    }
    if (envelope.origin === this.origin) return;
    this.local.publish(envelope.change);
  }

  private channel(tenantId: string, userId: string): string {
    return `${this.prefix}:run-states:${feedKey(tenantId, userId)}`;
  }
}
