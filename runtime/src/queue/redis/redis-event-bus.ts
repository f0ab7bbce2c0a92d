import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { StoredEvent } from "../../domain/index.ts";
import { InProcessEventBus } from "../in-process/in-process-event-bus.ts";
import type { EventListener, RunEventBus } from "../ports.ts";

/** How long a follower waits for Redis to confirm its subscription before it reads the store anyway. */
const SUBSCRIBE_WAIT_MS = 1_000;

export interface RedisEventBusOptions {
  redisUrl: string;
  /** Channel prefix: one per deployment (tests give each their own). */
  prefix: string;
  onError: (error: unknown) => void;
  /** Told, for each batch from another process, how long its newest event took to arrive here (seconds): the lag metric, topic `events`. */
  onLag?: (topic: string, seconds: number) => void;
}

/** One pub/sub message: a stored batch of one run, and the process that published it. */
interface Envelope {
  origin: string;
  events: StoredEvent[];
}

/**
 * The cluster RunEventBus: each stored batch is published on the run's Redis channel
 * (`<prefix>:run-events:<run_id>`), and a process subscribes to a run's channel while at least
 * one local stream follows it. Listeners in the publishing process get the batch at once (no
 * round trip); the copy that comes back from Redis is dropped by its origin. Delivery is
 * at-most-once (pub/sub): a follower that misses a batch (reconnect) sees the next one skip
 * ahead and re-reads the store, as it does for any gap.
 */
export class RedisEventBus implements RunEventBus {
  private readonly origin = randomUUID();
  private readonly local = new InProcessEventBus();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly onError: (error: unknown) => void;
  private readonly onLag: RedisEventBusOptions["onLag"];
  /** Local listeners per run channel, and each channel's SUBSCRIBE (resolved once Redis confirmed it). */
  private readonly channels = new Map<string, { count: number; subscribed: Promise<void> }>();

  constructor(options: RedisEventBusOptions) {
    this.prefix = options.prefix;
    this.onError = options.onError;
    this.onLag = options.onLag;
    this.publisher = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
    this.subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.publisher.on("error", this.onError);
    this.subscriber.on("error", this.onError);
    this.subscriber.on("message", (_channel: string, message: string) => this.receive(message));
  }

  publish(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    this.local.publish(events);
    for (const [runId, batch] of groupByRun(events)) {
      const envelope: Envelope = { origin: this.origin, events: batch };
      this.publisher.publish(this.channel(runId), JSON.stringify(envelope)).catch(this.onError);
    }
  }

  subscribe(runId: string, listener: EventListener): () => void {
    const channel = this.channel(runId);
    const entry = this.channels.get(channel) ?? { count: 0, subscribed: this.redisSubscribe(channel) };
    entry.count++;
    this.channels.set(channel, entry);
    const unsubscribe = this.local.subscribe(runId, listener);
    return () => {
      unsubscribe();
      entry.count--;
      if (entry.count > 0 || this.channels.get(channel) !== entry) return;
      this.channels.delete(channel);
      this.subscriber.unsubscribe(channel).catch(this.onError);
    };
  }

  /**
   * Resolves once the run's channel is subscribed on Redis, so every batch published from now on
   * arrives; or after SUBSCRIBE_WAIT_MS while Redis does not answer: the follower then reads the
   * store and polls it, so a Redis outage slows a stream but never stops it.
   */
  async ready(runId: string): Promise<void> {
    const subscribed = this.channels.get(this.channel(runId))?.subscribed;
    if (subscribed === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS)));
    await Promise.race([subscribed, waited]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.publisher.disconnect();
    await Promise.resolve();
  }

  private redisSubscribe(channel: string): Promise<void> {
    // A follower never waits on a Redis that is down: it falls back on reading the store.
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
    this.observeLag(envelope.events);
    this.local.publish(envelope.events);
  }

  /** The lag of a batch: now minus the time of its newest event (older ones also waited for the batch to be stored). */
  private observeLag(events: readonly StoredEvent[]): void {
    if (this.onLag === undefined || events.length === 0) return;
    const newest = Math.max(...events.map((event) => event.ts_ms));
    this.onLag("events", (Date.now() - newest) / 1000);
  }

  private channel(runId: string): string {
    return `${this.prefix}:run-events:${runId}`;
  }
}

function groupByRun(events: readonly StoredEvent[]): Map<string, StoredEvent[]> {
  const byRun = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const batch = byRun.get(event.run_id) ?? [];
    batch.push(event);
    byRun.set(event.run_id, batch);
  }
  return byRun;
}
