/** Why a provider is being avoided, and until when (epoch ms; Infinity = until cleared). */
interface Mark {
  kind: "rate-limited" | "stalled" | "unreachable";
  until: number;
}

/** How long a provider that failed with a server or network error is avoided. */
const STALL_MS = 30_000;

/** A health mark as GET /v1/_resolver shows it; `until` is null for a mark that lasts until cleared. */
export interface HealthMarkView {
  state: Mark["kind"];
  until: string | null;
}

/**
 * What this process knows about provider failures. A marked provider is skipped when choosing
 * a first candidate, but only until its mark expires or one call to it succeeds, so a blip never
 * leaves it unavailable; and when every candidate is marked, they are all tried anyway. A
 * provider the availability probe could not reach stays marked until a probe or a call succeeds.
 */
export class ProviderHealth {
  private readonly marks = new Map<string, Mark>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  markRateLimited(provider: string, cooldownMs: number): void {
    this.marks.set(provider, { kind: "rate-limited", until: this.now() + cooldownMs });
  }

  markStalled(provider: string): void {
    this.marks.set(provider, { kind: "stalled", until: this.now() + STALL_MS });
  }

  /** The probe could not list the provider's models; a fresher call-level mark is kept. */
  markUnreachable(provider: string): void {
    if (!this.isAvailable(provider)) return;
    this.marks.set(provider, { kind: "unreachable", until: Number.POSITIVE_INFINITY });
  }

  /** A probe reached the provider: only the probe's own mark goes (a 429 cooldown stays). */
  clearUnreachable(provider: string): void {
    if (this.marks.get(provider)?.kind === "unreachable") this.marks.delete(provider);
  }

  /** A call succeeded: every mark goes. */
  clear(provider: string): void {
    this.marks.delete(provider);
  }

  isAvailable(provider: string): boolean {
    const mark = this.marks.get(provider);
    if (mark === undefined) return true;
    if (mark.until > this.now()) return false;
    this.marks.delete(provider);
    return true;
  }

  /** The current marks, for GET /v1/_resolver. */
  snapshot(): Record<string, HealthMarkView> {
    const result: Record<string, HealthMarkView> = {};
    for (const [provider, mark] of this.marks) {
      if (mark.until <= this.now()) continue;
      result[provider] = { state: mark.kind, until: Number.isFinite(mark.until) ? new Date(mark.until).toISOString() : null };
    }
    return result;
  }
}
