import pg from "pg";
import type { ControlBus, ControlListener, ControlMessage } from "../control-ports.ts";

/** The NOTIFY channel every process of one deployment listens on. */
export const DEFAULT_CONTROL_CHANNEL = "loomcycle_control";

/** Postgres drops a NOTIFY payload over 8000 bytes; messages are split well below that. */
const MAX_RUN_IDS_PER_MESSAGE = 100;

/** Options of PgControlBus.connect. */
export interface PgControlBusOptions {
  url: string;
  /** This process's id: stamped on what it sends, and its own messages are ignored. */
  origin: string;
  /** NOTIFY channel (one per deployment sharing a database); default `loomcycle_control`. */
  channel?: string;
  /** `application_name` of the LISTEN connection, so operators (and tests) can find it in pg_stat_activity. */
  applicationName?: string;
  /** First reconnect delay after the LISTEN connection drops; doubles per failed attempt up to `maxReconnectMs`. */
  reconnectMs?: number;
  maxReconnectMs?: number;
  /** Told about a dropped connection or an undeliverable message (for the log). */
  onError?: (error: Error) => void;
  /** Told, for each message from another process, how long it took to arrive (seconds) and its kind: the lag metric. */
  onLag?: (topic: string, seconds: number) => void;
}

/**
 * The control bus over Postgres LISTEN/NOTIFY. One dedicated connection LISTENs (the store's pool
 * is never used for it: a pooled connection would lose its LISTEN when recycled); NOTIFY goes
 * through a tiny pool of its own, so sending works while the listener reconnects. When the
 * LISTEN connection drops it reconnects with exponential backoff and then tells `onResync`
 * subscribers, because every notice sent meanwhile is lost.
 */
export class PgControlBus implements ControlBus {
  readonly origin: string;
  private readonly options: PgControlBusOptions;
  private readonly channel: string;
  private readonly sender: pg.Pool;
  private readonly listeners = new Set<ControlListener>();
  private readonly resyncListeners = new Set<() => void>();
  private listener: pg.Client | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private nextDelayMs: number;
  private closed = false;

  private constructor(options: PgControlBusOptions) {
    this.options = options;
    this.origin = options.origin;
    this.channel = options.channel ?? DEFAULT_CONTROL_CHANNEL;
    this.nextDelayMs = this.firstDelay();
    this.sender = new pg.Pool({ connectionString: options.url, max: 2, application_name: "loomcycle-control-send" });
    this.sender.on("error", () => undefined);
  }

  /** Connects and LISTENs; throws when Postgres cannot be reached (start-up should fail loudly). */
  static async connect(options: PgControlBusOptions): Promise<PgControlBus> {
    const bus = new PgControlBus(options);
    try {
      await bus.listen();
    } catch (error) {
      await bus.sender.end().catch(() => undefined);
      throw error;
    }
    return bus;
  }

  async publish(message: ControlMessage): Promise<void> {
    for (const part of split(message)) {
      await this.sender.query("select pg_notify($1, $2)", [this.channel, JSON.stringify({ ...part, sent_at: Date.now() })]);
    }
  }

  subscribe(listener: ControlListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** The server process id of the LISTEN connection (null while reconnecting). */
  async listenerPid(): Promise<number | null> {
    const rows = await this.listener?.query<{ pid: number }>("select pg_backend_pid() as pid");
    return rows?.rows[0]?.pid ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = null;
    await Promise.all([listener?.end().catch(() => undefined), this.sender.end().catch(() => undefined)]);
  }

  /** Opens the LISTEN connection; on failure the caller schedules the next attempt. */
  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url, application_name: this.options.applicationName ?? "loomcycle-control" });
    client.on("error", (error) => this.dropped(client, error));
    client.on("end", () => this.dropped(client, new Error("the control connection ended")));
    client.on("notification", (notice) => this.receive(notice.payload));
    try {
      await client.connect();
      await client.query(`listen ${pg.escapeIdentifier(this.channel)}`);
    } catch (error) {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
      throw error;
    }
    this.listener = client;
  }

  /** The LISTEN connection is gone: forget it and reconnect after the current backoff. */
  private dropped(client: pg.Client, error: Error): void {
    if (this.listener !== client) return;
    this.listener = null;
    client.removeAllListeners();
    client.on("error", () => undefined);
    client.end().catch(() => undefined);
    this.options.onError?.(error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer !== null) return;
    const delay = this.nextDelayMs;
    this.nextDelayMs = Math.min(delay * 2, this.options.maxReconnectMs ?? 10_000);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.reconnect().catch(() => undefined);
    }, delay);
    this.reconnectTimer.unref();
  }

  private async reconnect(): Promise<void> {
    if (this.closed) return;
    try {
      await this.listen();
    } catch (error) {
      this.options.onError?.(error as Error);
      this.scheduleReconnect();
      return;
    }
    if (this.closed) return void (await this.close());
    this.nextDelayMs = this.firstDelay();
    for (const listener of this.resyncListeners) listener();
  }

  private receive(payload: string | undefined): void {
    const message = parse(payload);
    if (message === null || message.origin === this.origin) return;
    const delivered = observeLag(message, this.options.onLag);
    for (const listener of this.listeners) listener(delivered);
  }

  private firstDelay(): number {
    return this.options.reconnectMs ?? 250;
  }
}

/**
 * Reports how long a message took from its sender (its `sent_at`, when the sender stamped one),
 * and returns the message as sent, without the stamp: listeners see what the sender published.
 */
function observeLag(message: ControlMessage, onLag: PgControlBusOptions["onLag"]): ControlMessage {
  const { sent_at: sentAt, ...sent } = message as ControlMessage & { sent_at?: unknown };
  if (onLag !== undefined && typeof sentAt === "number") onLag(message.kind, (Date.now() - sentAt) / 1000);
  return sent as ControlMessage;
}

/** Splits a message whose run ids would not fit one NOTIFY payload. */
function split(message: ControlMessage): ControlMessage[] {
  if (!("run_ids" in message) || message.run_ids.length <= MAX_RUN_IDS_PER_MESSAGE) return [message];
  const parts: ControlMessage[] = [];
  for (let start = 0; start < message.run_ids.length; start += MAX_RUN_IDS_PER_MESSAGE) {
    parts.push({ ...message, run_ids: message.run_ids.slice(start, start + MAX_RUN_IDS_PER_MESSAGE) });
  }
  return parts;
}

/** The kinds of message that name runs (`run_ids`). */
const RUN_MESSAGE_KINDS: ReadonlySet<string> = new Set(["cancel", "cancel_ack", "input", "turn_cancel", "turn_cancel_ack"]);

/** The kinds of message that change the runtime's pause state (no run ids). */
const RUNTIME_STATE_KINDS: ReadonlySet<string> = new Set(["pause", "pause_force", "resume"]);

/** Whether a decoded payload (with origin and request id) is a message of its kind. */
function wellFormed(value: Record<string, unknown>): boolean {
  const kind = String(value["kind"]);
  if (kind === "token_changed" || RUNTIME_STATE_KINDS.has(kind)) return true;
  if (kind === "definitions_changed") return typeof value["definition_kind"] === "string";
  return RUN_MESSAGE_KINDS.has(kind) && Array.isArray(value["run_ids"]);
}

/** A control message, or null for anything else on the channel (another version, a stray NOTIFY). */
function parse(payload: string | undefined): ControlMessage | null {
  try {
    const value = JSON.parse(payload ?? "") as Record<string, unknown> | null;
    if (typeof value?.["origin"] !== "string" || typeof value["request_id"] !== "string") return null;
    return wellFormed(value) ? (value as unknown as ControlMessage) : null;
  } catch {
    return null;
  }
}
