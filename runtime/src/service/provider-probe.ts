import type { ProviderRegistry } from "../providers/index.ts";
import type { HealthMarkView, ProviderHealth } from "./provider-health.ts";

/** Each listing gets 5 s (loomcycle's start-up probe budget); a slower provider counts as unreachable. */
const PROBE_TIMEOUT_MS = 5_000;

/** A real provider as the probe sees it: its id and whether it is enabled (its key is set). */
export interface ProbeEndpoint {
  id: string;
  enabled: boolean;
}

/** What the probe knows about one provider. `reachable` is null until its first probe ends. */
export interface ProviderProbeState {
  excluded: boolean;
  reachable: boolean | null;
  models: Record<string, { listed: boolean }>;
  last_check: string | null;
  last_error: string | null;
}

/** The availability matrix of GET /v1/_resolver (loomcycle shape) plus this process's health marks. */
export interface ResolverMatrix {
  generated_at: string;
  providers: Record<string, ProviderProbeState>;
  health: Record<string, HealthMarkView>;
}

/** What the probe is built from. */
export interface ProviderProbeOptions {
  endpoints: readonly ProbeEndpoint[];
  registry: ProviderRegistry;
  health: ProviderHealth;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * The availability matrix: lists each enabled provider's models at boot (without holding up
 * start-up), on an interval, and on demand. A provider that cannot be listed is marked
 * unreachable in ProviderHealth, so routing prefers others; a later successful probe clears it.
 */
export class ProviderProbe {
  private readonly options: ProviderProbeOptions;
  private readonly states = new Map<string, ProviderProbeState>();
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(options: ProviderProbeOptions) {
    this.options = options;
    for (const endpoint of options.endpoints) {
      this.states.set(endpoint.id, { excluded: !endpoint.enabled, reachable: null, models: {}, last_check: null, last_error: null });
    }
  }

  /** Probes at once in the background, then every `intervalMs`; neither ever throws. */
  start(intervalMs: number): void {
    void this.probeAll();
    this.timer = setInterval(() => void this.probeAll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Probes every enabled provider in parallel; a call while a round runs joins that round. */
  probeAll(): Promise<void> {
    this.running ??= Promise.all(this.options.endpoints.filter((endpoint) => endpoint.enabled).map((endpoint) => this.probe(endpoint.id))).then(
      () => {
        this.running = null;
      },
    );
    return this.running;
  }

  /** The matrix as it stands (no network). */
  snapshot(): ResolverMatrix {
    return {
      generated_at: new Date(this.now()).toISOString(),
      providers: Object.fromEntries([...this.states].map(([id, state]) => [id, { ...state, models: { ...state.models } }])),
      health: this.options.health.snapshot(),
    };
  }

  private async probe(provider: string): Promise<void> {
    const lister = this.options.registry.lister(provider);
    const previous = this.states.get(provider);
    if (lister === undefined || previous === undefined) return;
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? PROBE_TIMEOUT_MS);
    try {
      const models = await lister(signal);
      this.states.set(provider, { ...previous, reachable: true, models: listed(models), last_check: this.stamp(), last_error: null });
      this.options.health.clearUnreachable(provider);
    } catch (error) {
      const message = signal.aborted ? `no answer within ${this.options.timeoutMs ?? PROBE_TIMEOUT_MS} ms` : describe(error);
      this.states.set(provider, { ...previous, reachable: false, last_check: this.stamp(), last_error: message });
      this.options.health.markUnreachable(provider);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private stamp(): string {
    return new Date(this.now()).toISOString();
  }
}

function listed(models: readonly string[]): Record<string, { listed: boolean }> {
  return Object.fromEntries([...models].sort().map((model) => [model, { listed: true }]));
}

/** An error's message with its cause (the SDKs wrap "fetch failed" around ECONNREFUSED). */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : null;
  return cause !== null && cause !== message && !message.includes(cause) ? `${message}: ${cause}` : message;
}
