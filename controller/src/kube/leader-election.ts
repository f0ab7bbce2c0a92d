import { ApiException, CoordinationV1Api, V1MicroTime } from "@kubernetes/client-node";
import type { KubeConfig, V1Lease, V1LeaseSpec } from "@kubernetes/client-node";
import type { ControllerLogger, Leadership } from "../reconcile/index.ts";

export interface LeaderElectorOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** The Lease's name (loomcycle-controller). */
  name: string;
  /** This replica's holderIdentity. */
  identity: string;
  /** How long a lease holds without renewal before others may take it. */
  leaseDurationMs: number;
  /** A leader that has not renewed for this long steps down (< leaseDurationMs). */
  renewDeadlineMs: number;
  /** Time between acquire/renew attempts. */
  retryPeriodMs: number;
  log: ControllerLogger;
}

type Attempt = "acquired" | "held-by-other" | "conflict";

/** Lease times go out as RFC3339 with microseconds: client-node's default millisecond form is refused. */
function microTime(value: Date | string | undefined): V1MicroTime {
  return new V1MicroTime(value === undefined ? Date.now() : new Date(value).getTime());
}

function statusOf(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/**
 * Leader election over a coordination.k8s.io/v1 Lease, with client-go's leaderelection rules:
 * take the lease when it is empty, ours, or not renewed for a lease duration *as observed
 * locally* (no clock-skew trust in renewTime); renew every retry period; step down when renewal
 * has failed past the renew deadline or another holder shows up. Writes use the read's
 * resourceVersion, so two candidates never both win. stop() releases the lease for fast failover.
 */
export class LeaseLeaderElector implements Leadership {
  private readonly api: CoordinationV1Api;
  private leading = false;
  private readonly listeners = new Set<(leading: boolean) => void>();
  private observed = { record: "", at: 0 };
  private lastRenewAt = 0;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  private readonly options: LeaderElectorOptions;

  constructor(options: LeaderElectorOptions) {
    this.options = options;
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
  }

  isLeader(): boolean {
    return this.leading;
  }

  onChange(listener: (leading: boolean) => void): () => void {
    this.listeners.add(listener);
    listener(this.leading);
    return () => this.listeners.delete(listener);
  }

  /** Starts campaigning in the background. */
  start(): void {
    this.stopping = false;
    this.running ??= this.loop();
  }

  /** Stops campaigning; when `release` (the default) and leading, clears the Lease so another replica takes over at once. */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
    if (this.leading && options.release !== false) await this.release();
    this.setLeading(false);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const attempt = await this.attemptWithDeadline();
      this.afterAttempt(attempt);
      if (this.stopping) break;
      const jitter = this.leading ? 1 : 1 + Math.random() * 0.2;
      await this.sleep(this.options.retryPeriodMs * jitter);
    }
  }

  private afterAttempt(attempt: Attempt | "failed"): void {
    if (attempt === "acquired") {
      this.lastRenewAt = Date.now();
      this.setLeading(true);
      return;
    }
    if (!this.leading) return;
    if (attempt === "held-by-other" || Date.now() - this.lastRenewAt > this.options.renewDeadlineMs) {
      this.options.log.warn({ lease: this.options.name, attempt }, "lost leadership: lease not renewed in time or taken by another replica");
      this.setLeading(false);
    }
  }

  private async attemptWithDeadline(): Promise<Attempt | "failed"> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"failed">((resolve) => (timer = setTimeout(() => resolve("failed"), this.options.renewDeadlineMs)));
    const attempt = this.tryAcquireOrRenew().catch((error: unknown) => {
      this.options.log.warn({ lease: this.options.name, error: error instanceof Error ? error.message : String(error) }, "lease acquire/renew failed");
      return "failed" as const;
    });
    const outcome = await Promise.race([attempt, deadline]);
    clearTimeout(timer);
    return outcome;
  }

  private async tryAcquireOrRenew(): Promise<Attempt> {
    const { namespace, name, identity } = this.options;
    const lease = await this.read();
    if (!lease) return this.write(() => this.api.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec: this.spec(undefined) } }));
    const holder = lease.spec?.holderIdentity ?? "";
    this.observe(lease);
    if (holder !== "" && holder !== identity && !this.expired(lease)) return "held-by-other";
    return this.write(() => this.api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: this.spec(lease.spec) } }));
  }

  private async read(): Promise<V1Lease | undefined> {
    const { namespace, name } = this.options;
    return this.api.readNamespacedLease({ name, namespace }).catch((error: unknown) => {
      if (statusOf(error) === 404) return undefined;
      throw error;
    });
  }

  /** A create/replace; a 409 means another candidate wrote first (not an error). */
  private async write(request: () => Promise<V1Lease>): Promise<Attempt> {
    try {
      const written = await request();
      this.observe(written);
      return "acquired";
    } catch (error) {
      if (statusOf(error) === 409) return "conflict";
      throw error;
    }
  }

  private spec(previous: V1LeaseSpec | undefined): V1LeaseSpec {
    const ours = previous?.holderIdentity === this.options.identity;
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.options.leaseDurationMs / 1000)),
      acquireTime: ours ? microTime(previous?.acquireTime) : microTime(undefined),
      renewTime: microTime(undefined),
      leaseTransitions: (previous?.leaseTransitions ?? 0) + (previous === undefined || ours ? 0 : 1),
    };
  }

  /** Remembers when (local clock) the lease record last changed. */
  private observe(lease: V1Lease): void {
    const record = JSON.stringify([lease.spec?.holderIdentity, String(lease.spec?.renewTime), lease.spec?.leaseDurationSeconds]);
    if (record !== this.observed.record) this.observed = { record, at: Date.now() };
  }

  private expired(lease: V1Lease): boolean {
    const durationMs = (lease.spec?.leaseDurationSeconds ?? Math.ceil(this.options.leaseDurationMs / 1000)) * 1000;
    return this.observed.at + durationMs < Date.now();
  }

  private async release(): Promise<void> {
    const { namespace, name, identity } = this.options;
    try {
      const lease = await this.read();
      if (lease?.spec?.holderIdentity !== identity) return;
      const spec = { ...lease.spec, holderIdentity: undefined, leaseDurationSeconds: 1, renewTime: microTime(undefined), acquireTime: microTime(lease.spec.acquireTime) };
      await this.api.replaceNamespacedLease({ name, namespace, body: { ...lease, spec } });
      this.options.log.info({ lease: name }, "lease released");
    } catch (error) {
      this.options.log.warn({ lease: name, error: error instanceof Error ? error.message : String(error) }, "could not release the lease; it expires on its own");
    }
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.options.log.info({ lease: this.options.name, identity: this.options.identity, leading }, leading ? "became leader" : "stopped leading");
    for (const listener of this.listeners) listener(leading);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/** Leadership when election is off (LOOMCYCLE_LEADER_ELECT=false): this replica always leads. */
export class AlwaysLeader implements Leadership {
  isLeader(): boolean {
    return true;
  }
  onChange(listener: (leading: boolean) => void): () => void {
    listener(true);
    return () => undefined;
  }
}
